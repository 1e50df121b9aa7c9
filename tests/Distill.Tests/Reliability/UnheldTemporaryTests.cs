using Distill.Methods;
using Distill.Models;
using Distill.Teachers;
using Distill.Tests.Support;
using Distill.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Tests.Reliability;

/// <summary>
/// A TorchSharp tensor that no dispose scope holds and nobody disposes is freed by its finalizer, on
/// the finalizer thread, whenever a collection finds it unreachable. In optimized code that can be
/// while libtorch is still reading it (a chained temporary such as <c>a.ge(0).sum()</c>): a
/// segfault or a wrong value, seen in about one Release quickstart in four. These runs count, on the
/// training thread, the tensors made outside every scope minus those disposed there: whatever is
/// left was handed to the garbage collector.
/// </summary>
public sealed class UnheldTemporaryTests : IDisposable
{
    private readonly TinyData _tiny = new();
    private readonly TemporaryFolder _folder = new();

    public void Dispose()
    {
        _tiny.Dispose();
        _folder.Dispose();
    }

    private nn.Module<Tensor, Tensor> Build(string spec, int seed)
    {
        manual_seed(seed);
        return ModelBuilder.Build(ModelSpec.Parse(spec), _tiny.Data.Train.SampleShape, 10);
    }

    private static long LeftToTheCollector()
    {
        var s = DisposeScopeManager.Statistics.TensorStatistics;
        return s.CreatedOutsideScopeCount - s.DisposedOutsideScopeCount + s.DetachedFromScopeCount - s.AttachedToScopeCount;
    }

    [Fact]
    public void Training_with_augmentation_leaves_no_tensor_to_the_collector()
    {
        using var model = Build("cnn:c8-relu-mp2-fc16", 2);
        var before = LeftToTheCollector();

        new Trainer(new TrainingOptions { Epochs = 3, BatchSize = 50, Augment = "rotate:10,hflip" })
            .Train("teacher", model, _tiny.Data.Train, _tiny.Data.Validation, new SupervisedObjective());

        Assert.Equal(0, LeftToTheCollector() - before);
    }

    [Fact]
    public void Distilling_from_a_cached_teacher_leaves_no_tensor_to_the_collector()
    {
        using var teacher = Build("cnn:c8-relu-mp2-fc16", 2);
        using var student = Build("mlp:8", 3);
        var before = LeftToTheCollector();

        using (var frozen = new FrozenTeacher(teacher, _tiny.Data.Train.Features))
        using (var distillation = DistillationObjective.Create(student, frozen, new DistillationOptions(), _tiny.Data.Train.SampleShape, 10,
            _tiny.Data.Train.Count, 1, augmented: false))
            new Trainer(new TrainingOptions { Epochs = 3, BatchSize = 50 }).Train("student", student, _tiny.Data.Train, _tiny.Data.Validation, distillation);

        Assert.Equal(0, LeftToTheCollector() - before);
    }

    [Fact]
    public void A_whole_comparison_run_leaves_no_tensor_to_the_collector()
    {
        var before = LeftToTheCollector();

        var (code, _, errors) = InProcessCli.Run("compare", "--data-dir", _tiny.DataDirectory, "--out", _folder.File("run"),
            "--teacher-spec", "cnn:c8-relu-mp2-fc16", "--student-spec", "mlp:8", "--student-epochs", "2", "--teacher-epochs", "2", "--validation", "100");

        Assert.True(code == 0, errors);
        Assert.Equal(0, LeftToTheCollector() - before);
    }
}
