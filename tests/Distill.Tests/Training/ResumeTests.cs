using Distill.Models;
using Distill.Tests.Support;
using Distill.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distill.Tests.Training;

/// <summary>The library-level twin of the CLI kill test: a run stopped mid-epoch and resumed in-process.</summary>
public sealed class ResumeTests : IDisposable
{
    private readonly TinyData _tiny = new();
    private readonly TemporaryFolder _folder = new();

    public void Dispose()
    {
        _tiny.Dispose();
        _folder.Dispose();
    }

    private static nn.Module<Tensor, Tensor> Build()
    {
        manual_seed(9);
        return ModelBuilder.Build(ModelSpec.Parse("mlp:24,dropout=0.2"), [1, 12, 12], 10);
    }

    private static readonly ModelCard Card = new("mlp:24,dropout=0.2", [1, 12, 12], 10, 0, "mnist", "test");

    [Theory]
    [InlineData(OptimizerKind.Adam, ScheduleKind.Cosine)]
    [InlineData(OptimizerKind.AdamW, ScheduleKind.Step)]
    [InlineData(OptimizerKind.Sgd, ScheduleKind.Step)]
    public void A_run_stopped_mid_epoch_and_resumed_ends_with_the_same_weights_and_history(OptimizerKind optimizer, ScheduleKind schedule)
    {
        var options = new TrainingOptions
        {
            Epochs = 4, BatchSize = 64, JitterPixels = 1, Seed = 4,
            Optimizer = new() { Kind = optimizer, LearningRate = 0.01, WeightDecay = 1e-4 },
            Schedule = new() { Kind = schedule, StepEpochs = 1, Gamma = 0.5 },
        };
        using var reference = Build();
        var expected = new Trainer(options).Train("m", reference, _tiny.Data.Train, _tiny.Data.Validation, new SupervisedObjective(), Card, _folder.File("a"));

        using var stop = new CancellationTokenSource();
        var stopInEpoch3 = new InlineProgress(p => { if (p is { Epoch: 3, Step: 3, Completed: null }) stop.Cancel(); });
        using (var interrupted = Build())
            Assert.ThrowsAny<OperationCanceledException>(() => new Trainer(options, stopInEpoch3, stop.Token)
                .Train("m", interrupted, _tiny.Data.Train, _tiny.Data.Validation, new SupervisedObjective(), Card, _folder.File("b")));
        using var resumed = Build();
        var actual = new Trainer(options).Train("m", resumed, _tiny.Data.Train, _tiny.Data.Validation, new SupervisedObjective(), Card, _folder.File("b"), resume: true);

        Assert.Equal(expected.History.Select(r => r with { Seconds = 0 }), actual.History.Select(r => r with { Seconds = 0 }), new RecordComparer());
        Assert.Equal(expected.BestEpoch, actual.BestEpoch);
        foreach (var ((name, x), (_, y)) in reference.state_dict().Zip(resumed.state_dict()))
            Assert.True(TensorAssert.Identical(x, y), $"{name} differs after resuming");
        foreach (var file in new[] { "best.bin", "last.bin" })
            Assert.Equal(File.ReadAllBytes(Path.Combine(_folder.File("a"), file)), File.ReadAllBytes(Path.Combine(_folder.File("b"), file)));
    }

    [Fact]
    public void A_checkpoint_written_with_other_options_is_refused()
    {
        var options = new TrainingOptions { Epochs = 1 };
        using (var first = Build())
            new Trainer(options).Train("m", first, _tiny.Data.Train, _tiny.Data.Validation, new SupervisedObjective(), Card, _folder.Path);
        using var second = Build();

        var error = Assert.Throws<DistillException>(() => new Trainer(options with { BatchSize = 32 })
            .Train("m", second, _tiny.Data.Train, _tiny.Data.Validation, new SupervisedObjective(), Card, _folder.Path, resume: true));

        Assert.Contains("other training options", error.Message);
    }

    /// <summary>Records hold a dictionary of loss terms, which record equality compares by reference.</summary>
    private sealed class RecordComparer : IEqualityComparer<EpochRecord>
    {
        public bool Equals(EpochRecord? a, EpochRecord? b) =>
            a is not null && b is not null && a with { LossTerms = b.LossTerms, StepLosses = b.StepLosses } == b
            && a.LossTerms.OrderBy(kv => kv.Key).SequenceEqual(b.LossTerms.OrderBy(kv => kv.Key))
            && (a.StepLosses ?? []).SequenceEqual(b.StepLosses ?? []);

        public int GetHashCode(EpochRecord record) => record.Epoch;
    }

    private sealed class InlineProgress(Action<TrainingProgress> handler) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => handler(value);
    }
}
