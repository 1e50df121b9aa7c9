using Distill.Methods;
using Distill.Models;
using Distill.Teachers;
using Distill.Tests.Support;
using Distill.Training;
using static TorchSharp.torch;

namespace Distill.Tests.Training;

/// <summary>A frozen base's outputs computed once (<see cref="FrozenBaseCache"/>): the same results as running it every step, at one pass's cost.</summary>
public sealed class FrozenBaseCacheTests : IDisposable
{
    private readonly TinyData _tiny = new(trainCount: 400, testCount: 60, validation: 100);
    private readonly TemporaryFolder _folder = new();

    public void Dispose()
    {
        _tiny.Dispose();
        _folder.Dispose();
    }

    private static readonly TrainingOptions HeadFineTune = new()
    {
        Epochs = 3, BatchSize = 32, Seed = 7, Freeze = LayerFreezer.AllButHead,
        Optimizer = new() { Kind = OptimizerKind.Adam, LearningRate = 0.01 },
    };

    /// <summary>The spec's model, or with a null spec a user's module whose head holds a dropout.</summary>
    private nn.Module<Tensor, Tensor> Build(string? spec)
    {
        manual_seed(3);
        return spec is null ? new DropoutHeadNet() : ModelBuilder.Build(ModelSpec.Parse(spec), _tiny.Data.Train.SampleShape, 10);
    }

    private (TrainingResult Result, List<string> Messages) Fit(nn.Module<Tensor, Tensor> model, string? spec, TrainingOptions options, string? checkpoints = null,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default, bool resume = false)
    {
        var messages = new List<string>();
        var card = new ModelCard(spec ?? "module:" + nameof(DropoutHeadNet), _tiny.Data.Train.SampleShape, 10, 0, "mnist", "test");
        var result = new Trainer(options, progress, cancellation, new Inline<string>(messages.Add))
            .Train("model", model, _tiny.Data.Train, _tiny.Data.Validation, new SupervisedObjective(), card, checkpoints, resume: resume);
        return (result, messages);
    }

    /// <summary>Counts the forward passes of the model's first layer.</summary>
    private static Func<int> CountBaseCalls(nn.Module<Tensor, Tensor> model)
    {
        var first = (nn.Module<Tensor, Tensor>)model.named_modules().First(m => m.name.Length > 0 && !m.module.named_children().Any()).module;
        var calls = 0;
        first.register_forward_hook((_, _, y) =>
        {
            calls++;
            return y;
        });
        return () => calls;
    }

    [Theory]
    [InlineData("cnn:c4-bn-relu-gap", 3)]
    [InlineData("mlp:24,dropout=0.2", 3)]
    [InlineData("torchvision:resnet18", 2)]
    [InlineData(null, 3)]
    public void A_cached_base_gives_the_weights_and_accuracies_of_a_live_one(string? spec, int epochs)
    {
        using var cached = Build(spec);
        using var live = Build(spec);

        var (withCache, messages) = Fit(cached, spec, HeadFineTune with { Epochs = epochs });
        var (withoutCache, liveMessages) = Fit(live, spec, HeadFineTune with { Epochs = epochs, LiveFrozenBase = true });

        Assert.Contains(messages, m => m.StartsWith("Frozen base of model cached: 400 x ", StringComparison.Ordinal));
        Assert.Empty(liveMessages);
        Assert.Equal(withoutCache.BestEpoch, withCache.BestEpoch);
        foreach (var (a, b) in withCache.History.Zip(withoutCache.History))
        {
            Assert.Equal(b.TrainLoss, a.TrainLoss, 1e-4);
            Assert.Equal(b.TrainAccuracy, a.TrainAccuracy, 1e-6);
            Assert.Equal(b.ValidationLoss, a.ValidationLoss, 1e-4);
            Assert.Equal(b.ValidationAccuracy, a.ValidationAccuracy, 1e-6);
        }
        foreach (var ((name, x), (_, y)) in cached.state_dict().Zip(live.state_dict()))
            Assert.True(x.allclose(y, rtol: 1e-4, atol: 1e-5), $"{name} differs between the cached and the live base");
        // A random frozen base gives weak features, but the head learns from them.
        Assert.True(withCache.History[^1].TrainLoss < withCache.History[0].TrainLoss, "the head's training loss did not fall");
    }

    [Fact]
    public void A_student_distilled_from_a_cached_teacher_gets_the_same_head_with_a_cached_base()
    {
        manual_seed(2);
        using var teacher = ModelBuilder.Build(ModelSpec.Parse("mlp:32"), _tiny.Data.Train.SampleShape, 10);
        using var frozenTeacher = new FrozenTeacher(teacher, _tiny.Data.Train.Features);
        var options = new DistillationOptions();
        IReadOnlyList<string> Run(nn.Module<Tensor, Tensor> student, TrainingOptions training, out TrainingResult result)
        {
            using var objective = DistillationObjective.Create(student, frozenTeacher, options, _tiny.Data.Train.SampleShape, 10, _tiny.Data.Train.Count, 1, augmented: false);
            var messages = new List<string>();
            result = new Trainer(training, messages: new Inline<string>(messages.Add)).Train("student", student, _tiny.Data.Train, _tiny.Data.Validation, objective,
                new ModelCard("cnn:c4-bn-relu-gap", _tiny.Data.Train.SampleShape, 10, 0, "mnist", "test"));
            return messages;
        }
        using var cached = Build("cnn:c4-bn-relu-gap");
        using var live = Build("cnn:c4-bn-relu-gap");

        var messages = Run(cached, HeadFineTune, out var withCache);
        Run(live, HeadFineTune with { LiveFrozenBase = true }, out var withoutCache);

        Assert.Contains(messages, m => m.StartsWith("Frozen base of student cached", StringComparison.Ordinal));
        foreach (var (a, b) in withCache.History.Zip(withoutCache.History, (a, b) => (a.TrainLoss, b.TrainLoss))) Assert.Equal(b, a, 1e-4);
        foreach (var ((name, x), (_, y)) in cached.state_dict().Zip(live.state_dict()))
            Assert.True(x.allclose(y, rtol: 1e-4, atol: 1e-5), $"{name} differs between the cached and the live base");
    }

    [Fact]
    public void The_base_runs_once_not_every_epoch()
    {
        using var cached = Build("cnn:c4-bn-relu-gap");
        using var live = Build("cnn:c4-bn-relu-gap");
        var cachedCalls = CountBaseCalls(cached);
        var liveCalls = CountBaseCalls(live);

        Fit(cached, "cnn:c4-bn-relu-gap", HeadFineTune);
        Fit(live, "cnn:c4-bn-relu-gap", HeadFineTune with { LiveFrozenBase = true });

        // One pass over 300 training and 100 validation rows in batches of 128; live: 10 steps and 1 validation batch an epoch.
        Assert.Equal(3 + 1, cachedCalls());
        Assert.Equal(3 * (10 + 1), liveCalls());
    }

    [Fact]
    public void Augmentation_keeps_the_base_live_and_says_why()
    {
        using var model = Build("cnn:c4-bn-relu-gap");
        var calls = CountBaseCalls(model);

        var (_, messages) = Fit(model, "cnn:c4-bn-relu-gap", HeadFineTune with { Augment = "hflip" });

        Assert.Equal(["The frozen base is not cached: the training inputs are augmented, so the base sees new inputs every epoch, so it runs on every step."], messages);
        Assert.Equal(3 * (10 + 1), calls());
    }

    [Fact]
    public void A_trainable_layer_before_the_head_keeps_the_base_live()
    {
        using var model = Build("cnn:c4-bn-relu-gap");

        var (_, messages) = Fit(model, "cnn:c4-bn-relu-gap", HeadFineTune with { Freeze = "conv1" });

        Assert.Equal(["The frozen base is not cached: 'bn1.weight' trains outside the head 'classifier', so it runs on every step."], messages);
    }

    [Fact]
    public void Freeze_paths_that_leave_only_stateless_layers_before_the_head_are_cached()
    {
        using var model = Build("cnn:c4-bn-relu-gap");

        var (_, messages) = Fit(model, "cnn:c4-bn-relu-gap", HeadFineTune with { Freeze = "conv1,bn1" });

        Assert.Contains(messages, m => m.StartsWith("Frozen base of model cached", StringComparison.Ordinal));
    }

    [Fact]
    public void A_head_fine_tune_stopped_mid_epoch_and_resumed_ends_identical()
    {
        var options = HeadFineTune with { Epochs = 4 };
        using var reference = Build(null);
        var (expected, _) = Fit(reference, null, options, _folder.File("a"));

        using var stop = new CancellationTokenSource();
        var stopInEpoch3 = new Inline<TrainingProgress>(p => { if (p is { Epoch: 3, Step: 3, Completed: null }) stop.Cancel(); });
        using (var interrupted = Build(null))
            Assert.ThrowsAny<OperationCanceledException>(() => Fit(interrupted, null, options, _folder.File("b"), stopInEpoch3, stop.Token));
        using var resumed = Build(null);
        var (actual, _) = Fit(resumed, null, options, _folder.File("b"), resume: true);

        Assert.Equal(expected.History.Select(r => (r.TrainLoss, r.ValidationLoss, r.ValidationAccuracy)), actual.History.Select(r => (r.TrainLoss, r.ValidationLoss, r.ValidationAccuracy)));
        foreach (var ((name, x), (_, y)) in reference.state_dict().Zip(resumed.state_dict()))
            Assert.True(TensorAssert.Identical(x, y), $"{name} differs after resuming");
        foreach (var file in new[] { "best.bin", "last.bin" })
            Assert.Equal(File.ReadAllBytes(Path.Combine(_folder.File("a"), file)), File.ReadAllBytes(Path.Combine(_folder.File("b"), file)));
    }

    private sealed class Inline<T>(Action<T> handler) : IProgress<T>
    {
        public void Report(T value) => handler(value);
    }

    /// <summary>A user's module: a small convolutional base, and a head that holds a dropout, so the head's draws must match.</summary>
    private sealed class DropoutHeadNet : nn.Module<Tensor, Tensor>
    {
        private readonly nn.Module<Tensor, Tensor> features;
        private readonly nn.Module<Tensor, Tensor> classifier;

        public DropoutHeadNet() : base(nameof(DropoutHeadNet))
        {
            features = nn.Sequential(nn.Conv2d(1, 6, 3), nn.BatchNorm2d(6), nn.ReLU(), nn.AdaptiveAvgPool2d(2), nn.Flatten());
            classifier = nn.Sequential(nn.Dropout(0.3), nn.Linear(24, 10));
            RegisterComponents();
        }

        public override Tensor forward(Tensor input) => classifier.call(features.call(input));
    }
}
