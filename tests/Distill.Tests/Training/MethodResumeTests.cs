using Distill.Methods;
using Distill.Models;
using Distill.Teachers;
using Distill.Tests.Support;
using Distill.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distill.Tests.Training;

/// <summary>
/// Methods with state of their own (FitNets' regressor, CRD's heads, memory banks, normalisers and
/// sampling generator) stopped mid-epoch and resumed in-process end bit-identical to an uninterrupted run.
/// </summary>
public sealed class MethodResumeTests(Methods.TrainedTeacher trained) : IClassFixture<Methods.TrainedTeacher>, IDisposable
{
    private readonly TinyData _tiny = trained.Tiny;
    private readonly TemporaryFolder _folder = new();
    private readonly nn.Module<Tensor, Tensor> _teacher = trained.Model;

    public void Dispose() => _folder.Dispose();

    private nn.Module<Tensor, Tensor> Build(string spec, int seed) => trained.Build(spec, seed);

    private const string StudentSpec = "cnn:c4-relu-mp2-c8-relu-mp2-fc16-relu-drop0.2";

    private static readonly ModelCard Card = new(StudentSpec, [1, 12, 12], 10, 0, "mnist", "test");

    /// <summary>Trains a fresh student; returns it with its history and a copy of the method's state.</summary>
    private (nn.Module<Tensor, Tensor> Student, TrainingResult? Result, Dictionary<string, Tensor> MethodState) Distil(
        string method, int jitter, string checkpoints, bool resume = false, Trainer? trainer = null)
    {
        var options = new TrainingOptions
        {
            Epochs = 2, BatchSize = 50, JitterPixels = jitter, Seed = 4,
            Optimizer = new() { Kind = OptimizerKind.Sgd, LearningRate = 0.05 },
            Schedule = new() { Kind = ScheduleKind.Cosine },
        };
        var distillation = new DistillationOptions { Method = method }.With(new ContrastiveOptions { Negatives = 64, FeatureDimension = 16 });
        var student = Build(StudentSpec, 9);
        using var frozen = new FrozenTeacher(_teacher, _tiny.Data.Train.Features);
        using var objective = DistillationObjective.Create(student, frozen, distillation, _tiny.Data.Train.SampleShape, 10, _tiny.Data.Train.Count, 4, augmented: jitter > 0);
        TrainingResult? result = null;
        try
        {
            result = (trainer ?? new Trainer(options)).Train("m", student, _tiny.Data.Train, _tiny.Data.Validation, objective, Card, checkpoints, resume: resume);
        }
        catch (OperationCanceledException)
        {
        }
        var state = objective.Methods.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        return (student, result, state);
    }

    [Theory]
    [InlineData("fitnets", 1)]
    [InlineData("crd", 0)]
    [InlineData("crd", 1)]
    public void A_distillation_stopped_mid_epoch_and_resumed_ends_with_the_same_student_method_state_and_history(string method, int jitter)
    {
        var (reference, expected, expectedState) = Distil(method, jitter, _folder.File("a"));

        using var stop = new CancellationTokenSource();
        var stopInEpoch2 = new InlineProgress(p => { if (p is { Epoch: 2, Step: 4, Completed: null }) stop.Cancel(); });
        var options = new TrainingOptions
        {
            Epochs = 2, BatchSize = 50, JitterPixels = jitter, Seed = 4,
            Optimizer = new() { Kind = OptimizerKind.Sgd, LearningRate = 0.05 },
            Schedule = new() { Kind = ScheduleKind.Cosine },
        };
        var (interrupted, stopped, _) = Distil(method, jitter, _folder.File("b"), trainer: new Trainer(options, stopInEpoch2, stop.Token));
        interrupted.Dispose();
        Assert.Null(stopped);
        Assert.True(stop.IsCancellationRequested, "the run finished before it could be stopped");
        var (resumed, actual, actualState) = Distil(method, jitter, _folder.File("b"), resume: true);

        using (reference)
        using (resumed)
        {
            Assert.Equal(Comparable(expected!), Comparable(actual!));
            Assert.Equal(expected!.BestEpoch, actual!.BestEpoch);
            foreach (var ((name, x), (_, y)) in reference.state_dict().Zip(resumed.state_dict()))
                Assert.True(TensorAssert.Identical(x, y), $"student {name} differs after resuming {method}");
            Assert.Equal(expectedState.Keys, actualState.Keys);
            Assert.NotEmpty(expectedState);
            foreach (var (name, value) in expectedState)
                Assert.True(TensorAssert.Identical(value, actualState[name]), $"method state {name} differs after resuming {method}");
            foreach (var file in new[] { "best.bin", "last.bin" })
                Assert.Equal(File.ReadAllBytes(Path.Combine(_folder.File("a"), file)), File.ReadAllBytes(Path.Combine(_folder.File("b"), file)));
        }
    }

    private static List<string> Comparable(TrainingResult result) =>
        [.. result.History.Select(r => $"{r with { Seconds = 0, LossTerms = new Dictionary<string, double>() }} {string.Join(",", r.LossTerms.OrderBy(kv => kv.Key))}")];

    private sealed class InlineProgress(Action<TrainingProgress> handler) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => handler(value);
    }
}
