using Distill.Methods;
using Distill.Models;
using Distill.Runs;
using Distill.Studies;
using Distill.Teachers;
using Distill.Tests.Support;
using Distill.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distill.Tests.Methods;

/// <summary>One small CNN teacher trained once, shared by every method's run.</summary>
public sealed class TrainedTeacher : IDisposable
{
    public const string TeacherSpec = "cnn:c8-relu-mp2-c16-relu-mp2-fc32-relu";
    public const string StudentSpec = "cnn:c4-relu-mp2-c8-relu-mp2-fc16-relu";

    public TrainedTeacher()
    {
        Model = Build(TeacherSpec, 2);
        new Trainer(new TrainingOptions { Epochs = 1, BatchSize = 32 }).Train("teacher", Model, Tiny.Data.Train, Tiny.Data.Validation, new SupervisedObjective());
    }

    public TinyData Tiny { get; } = new();

    public nn.Module<Tensor, Tensor> Model { get; }

    public nn.Module<Tensor, Tensor> Build(string spec, int seed)
    {
        manual_seed(seed);
        return ModelBuilder.Build(ModelSpec.Parse(spec), Tiny.Data.Train.SampleShape, 10);
    }

    /// <summary>Options for <paramref name="method"/>, with CRD shrunk to the tiny data set.</summary>
    public static DistillationOptions Options(string method) =>
        new DistillationOptions { Method = method }.With(new ContrastiveOptions { Negatives = 64, FeatureDimension = 16 });

    public void Dispose()
    {
        Model.Dispose();
        Tiny.Dispose();
    }
}

public sealed class EveryMethodTests(TrainedTeacher teacher) : IClassFixture<TrainedTeacher>
{
    public static TheoryData<string> Methods() => [.. MethodRegistry.All.Select(m => m.Name)];

    private DistillationObjective Objective(nn.Module<Tensor, Tensor> student, FrozenTeacher frozen, string method, bool augmented) =>
        DistillationObjective.Create(student, frozen, TrainedTeacher.Options(method), teacher.Tiny.Data.Train.SampleShape, 10, teacher.Tiny.Data.Train.Count, 1, augmented);

    private TrainingResult Fit(nn.Module<Tensor, Tensor> student, ITrainingObjective objective, int jitter) =>
        new Trainer(new TrainingOptions { Epochs = 1, BatchSize = 50, JitterPixels = jitter })
            .Train("student", student, teacher.Tiny.Data.Train, teacher.Tiny.Data.Validation, objective);

    [Theory]
    [MemberData(nameof(Methods))]
    public void A_frozen_teacher_stays_bit_identical_in_eval_mode_and_without_gradients(string method)
    {
        var before = teacher.Model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        using var student = teacher.Build(TrainedTeacher.StudentSpec, 3);

        // Jitter makes the teacher run live every step, feature taps armed.
        using (var frozen = new FrozenTeacher(teacher.Model, teacher.Tiny.Data.Train.Features))
        using (var objective = Objective(student, frozen, method, augmented: true))
        {
            var result = Fit(student, objective, jitter: 1);
            Assert.True(double.IsFinite(result.History[0].TrainLoss), $"{method} gave a loss of {result.History[0].TrainLoss}");
        }

        Assert.False(teacher.Model.training, $"the teacher left eval mode under {method}");
        Assert.All(teacher.Model.parameters(), p => Assert.False(p.requires_grad));
        foreach (var (name, value) in teacher.Model.state_dict())
            Assert.True(TensorAssert.Identical(value, before[name]), $"teacher tensor {name} changed under {method}");
    }

    [Theory]
    [InlineData("fitnets")]
    [InlineData("crd")]
    public void A_methods_own_parameters_train_and_are_not_the_students(string method)
    {
        using var student = teacher.Build(TrainedTeacher.StudentSpec, 3);
        using var scratch = teacher.Build(TrainedTeacher.StudentSpec, 3);
        using var frozen = new FrozenTeacher(teacher.Model, teacher.Tiny.Data.Train.Features);
        using var objective = Objective(student, frozen, method, augmented: false);
        var own = objective.Methods.named_parameters().ToList();
        var before = own.ToDictionary(p => p.name, p => p.parameter.clone());

        Fit(student, objective, jitter: 0);

        Assert.NotEmpty(own);
        Assert.Contains(own, p => !TensorAssert.Identical(p.parameter, before[p.name]));
        var studentHandles = student.parameters().Select(p => p.Handle).ToHashSet();
        Assert.DoesNotContain(own, p => studentHandles.Contains(p.parameter.Handle));
        Assert.Equal(ModelBuilder.CountParameters(scratch), ModelBuilder.CountParameters(student));
    }

    [Fact]
    public void A_study_counts_method_parameters_apart_from_the_students()
    {
        using var folder = new TemporaryFolder();
        using var root = RunFolder.Create(folder.File("run"), replace: false);
        var training = new TrainingOptions { Epochs = 1, BatchSize = 50 };
        using var runner = new StudyRunner(teacher.Tiny.Data, root);

        var outcomes = runner.Run(
        [
            StudyRole.Trained(ModelRole.Teacher, "teacher", TrainedTeacher.TeacherSpec, training),
            StudyRole.Trained(ModelRole.Scratch, "scratch", TrainedTeacher.StudentSpec, training),
            StudyRole.Distilled("fitnets", TrainedTeacher.StudentSpec, training, "teacher", TrainedTeacher.Options("fitnets")),
            StudyRole.Distilled("crd", TrainedTeacher.StudentSpec, training, "teacher", TrainedTeacher.Options("crd")),
            StudyRole.Distilled("kd", TrainedTeacher.StudentSpec, training, "teacher", TrainedTeacher.Options("kd")),
        ]);

        var scratch = outcomes[1];
        Assert.Equal(0, scratch.MethodParameters);
        foreach (var distilled in outcomes.Skip(2))
            Assert.Equal(scratch.Parameters, distilled.Parameters);
        Assert.True(outcomes[2].MethodParameters > 0, "fitnets reported no regressor parameters");
        Assert.True(outcomes[3].MethodParameters > 0, "crd reported no embedding parameters");
        Assert.Equal(0, outcomes[4].MethodParameters);
    }
}
