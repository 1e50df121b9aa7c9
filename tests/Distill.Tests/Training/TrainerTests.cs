using Distill.Evaluation;
using Distill.Methods;
using Distill.Teachers;
using Distill.Models;
using Distill.Tests.Support;
using Distill.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distill.Tests.Training;

public sealed class TrainerTests : IDisposable
{
    private readonly TinyData _tiny = new();

    public void Dispose() => _tiny.Dispose();

    private nn.Module<Tensor, Tensor> Build(string spec, int seed)
    {
        manual_seed(seed);
        return ModelBuilder.Build(ModelSpec.Parse(spec), _tiny.Data.Train.SampleShape, 10);
    }

    private TrainingResult Fit(nn.Module<Tensor, Tensor> model, ITrainingObjective objective, TrainingOptions options, string? checkpoints = null, string spec = "mlp:32") =>
        new Trainer(options).Train("model", model, _tiny.Data.Train, _tiny.Data.Validation, objective,
            new ModelCard(spec, [1, 12, 12], 10, 0, "mnist", "test"), checkpoints);

    [Fact]
    public void A_small_model_learns_the_synthetic_task()
    {
        using var model = Build("mlp:32", 1);
        var before = Evaluator.Evaluate(model, _tiny.Data.Test).Accuracy;

        var result = Fit(model, new SupervisedObjective(), new TrainingOptions { Epochs = 3, BatchSize = 32 });
        var after = Evaluator.Evaluate(model, _tiny.Data.Test).Accuracy;

        Assert.True(after > 0.9, $"test accuracy after training was {after:P1}");
        Assert.True(after > before + 0.5, $"accuracy went from {before:P1} to {after:P1}");
        Assert.Equal(3, result.History.Count);
        Assert.True(result.History[^1].TrainLoss < result.History[0].TrainLoss);
    }

    [Fact]
    public void The_same_seed_gives_the_same_weights_and_metrics()
    {
        var options = new TrainingOptions { Epochs = 2, BatchSize = 50, Seed = 5, Optimizer = new() { Kind = OptimizerKind.Sgd, LearningRate = 0.05, Nesterov = true } };
        using var first = Build("mlp:24,dropout=0.2", 5);
        using var second = Build("mlp:24,dropout=0.2", 5);

        var a = Fit(first, new SupervisedObjective(), options);
        var b = Fit(second, new SupervisedObjective(), options);

        Assert.Equal(a.History.Select(r => r.TrainLoss), b.History.Select(r => r.TrainLoss));
        Assert.Equal(a.History.Select(r => r.ValidationAccuracy), b.History.Select(r => r.ValidationAccuracy));
        foreach (var ((name, x), (_, y)) in first.named_parameters().Zip(second.named_parameters()))
            Assert.True(TensorAssert.Identical(x, y), $"parameter {name} differs between identical runs");
    }

    [Fact]
    public void A_different_seed_gives_different_weights()
    {
        using var first = Build("mlp:24", 5);
        using var second = Build("mlp:24", 6);
        Fit(first, new SupervisedObjective(), new TrainingOptions { Epochs = 1, Seed = 5 });
        Fit(second, new SupervisedObjective(), new TrainingOptions { Epochs = 1, Seed = 6 });

        Assert.False(TensorAssert.Identical(first.parameters().First(), second.parameters().First()));
    }

    [Fact]
    public void Distillation_never_changes_the_teacher()
    {
        using var teacher = Build("mlp:48", 2);
        Fit(teacher, new SupervisedObjective(), new TrainingOptions { Epochs = 2 });
        var before = teacher.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        using var student = Build("mlp:8", 3);

        using var frozen = new FrozenTeacher(teacher, _tiny.Data.Train.Features);
        using var objective = DistillationObjective.Create(student, frozen, new DistillationOptions(), _tiny.Data.Train.SampleShape, 10, _tiny.Data.Train.Count, 1, augmented: true);
        Fit(student, objective, new TrainingOptions { Epochs = 2, JitterPixels = 1 });

        Assert.False(teacher.training);
        Assert.All(teacher.parameters(), p => Assert.False(p.requires_grad));
        foreach (var (name, value) in teacher.state_dict())
            Assert.True(TensorAssert.Identical(value, before[name]), $"teacher tensor {name} changed during distillation");
    }

    [Fact]
    public void Cached_teacher_logits_train_the_same_student_as_a_teacher_forward_per_step()
    {
        using var teacher = Build("mlp:48", 2);
        Fit(teacher, new SupervisedObjective(), new TrainingOptions { Epochs = 1 });
        var options = new DistillationOptions { Temperature = 3 };
        using var cachedStudent = Build("mlp:8", 3);
        using var liveStudent = Build("mlp:8", 3);

        using var frozen = new FrozenTeacher(teacher, _tiny.Data.Train.Features);
        using var cached = DistillationObjective.Create(cachedStudent, frozen, options, _tiny.Data.Train.SampleShape, 10, _tiny.Data.Train.Count, 1, augmented: false);
        using var live = DistillationObjective.Create(liveStudent, frozen, options, _tiny.Data.Train.SampleShape, 10, _tiny.Data.Train.Count, 1, augmented: true);
        var a = Fit(cachedStudent, cached, new TrainingOptions { Epochs = 2 });
        var b = Fit(liveStudent, live, new TrainingOptions { Epochs = 2 });

        Assert.True(cached.UsesCache);
        Assert.False(live.UsesCache);
        for (var i = 0; i < 2; i++) Assert.Equal(a.History[i].TrainLoss, b.History[i].TrainLoss, 4);
        foreach (var ((name, x), (_, y)) in cachedStudent.named_parameters().Zip(liveStudent.named_parameters()))
            Assert.True(x.allclose(y, rtol: 1e-3, atol: 1e-5), $"student parameter {name} differs");
    }

    [Fact]
    public void The_model_ends_with_the_best_validation_epoch_and_checkpoints_are_written()
    {
        using var folder = new TemporaryFolder();
        using var model = Build("mlp:16", 4);

        var result = Fit(model, new SupervisedObjective(), new TrainingOptions { Epochs = 3 }, folder.Path, "mlp:16");

        var bestAccuracy = result.History.Max(r => r.ValidationAccuracy);
        Assert.Equal(bestAccuracy, result.BestValidationAccuracy);
        Assert.Equal(bestAccuracy, Evaluator.Evaluate(model, _tiny.Data.Validation).Accuracy, 6);
        Assert.True(File.Exists(Path.Combine(folder.Path, "best.bin")));
        Assert.True(File.Exists(Path.Combine(folder.Path, "last.json")));
        var (reloaded, card) = ModelStore.Load(Path.Combine(folder.Path, "best.bin"));
        using (reloaded)
            Assert.Equal(bestAccuracy, Evaluator.Evaluate(reloaded, _tiny.Data.Validation).Accuracy, 6);
        Assert.Equal(10, card.ClassCount);
    }

    [Fact]
    public void Early_stopping_ends_training_after_the_patience_runs_out()
    {
        using var model = Build("mlp:16", 4);
        // A learning rate of zero never improves on the first epoch.
        var options = new TrainingOptions { Epochs = 10, EarlyStoppingPatience = 2, Optimizer = new() { Kind = OptimizerKind.Sgd, LearningRate = 1e-12, Momentum = 0 } };

        var result = Fit(model, new SupervisedObjective(), options);

        Assert.True(result.StoppedEarly);
        Assert.Equal(3, result.History.Count);
        Assert.Equal(1, result.BestEpoch);
    }

    [Fact]
    public void A_diverging_loss_stops_the_run_naming_epoch_and_step()
    {
        using var model = Build("mlp:16", 4);
        var options = new TrainingOptions { Epochs = 2, Optimizer = new() { Kind = OptimizerKind.Sgd, LearningRate = 1e30, Momentum = 0 } };

        var error = Assert.Throws<NumericFaultException>(() => Fit(model, new SupervisedObjective(), options));

        Assert.Matches(@"epoch \d+, step \d+", error.Message);
    }

    [Theory]
    [InlineData(0, 128, "epochs")]
    [InlineData(3, 0, "batch size")]
    public void Bad_training_options_are_rejected_before_any_work(int epochs, int batch, string named)
    {
        var error = Assert.Throws<DistillException>(() => new Trainer(new TrainingOptions { Epochs = epochs, BatchSize = batch }));

        Assert.Contains(named, error.Message);
    }
}
