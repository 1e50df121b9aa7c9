using Distill.Methods;
using Distill.Models;
using Distill.Teachers;
using Distill.Tests.Support;
using Distill.Training;
using static TorchSharp.torch;

namespace Distill.Tests.Training;

/// <summary>
/// The teacher's cached logits belong to the un-augmented images: with augmentation on, the teacher
/// must see each batch exactly as the student does.
/// </summary>
public sealed class AugmentedDistillationTests : IDisposable
{
    private readonly TinyData _tiny = new();

    public void Dispose() => _tiny.Dispose();

    private nn.Module<Tensor, Tensor> Build(string spec, int seed)
    {
        manual_seed(seed);
        return ModelBuilder.Build(ModelSpec.Parse(spec), _tiny.Data.Train.SampleShape, 10);
    }

    [Fact]
    public void With_augmentation_the_teacher_runs_on_the_same_augmented_batch_as_the_student()
    {
        using var inner = Build("mlp:32", 2);
        using var teacher = new RecordingModule(inner);
        using var student = Build("mlp:8", 3);
        var options = new TrainingOptions { Epochs = 1, BatchSize = 100, Augment = "crop:2,hflip,rotate:10,brightness:0.2" };
        using var frozen = new FrozenTeacher(teacher, _tiny.Data.Train.Features);
        using var distillation = DistillationObjective.Create(student, frozen, new DistillationOptions(), _tiny.Data.Train.SampleShape, 10,
            _tiny.Data.Train.Count, 1, augmented: options.Augments);
        var objective = new RecordingObjective(distillation);

        new Trainer(options).Train("student", student, _tiny.Data.Train, _tiny.Data.Validation, objective);

        Assert.False(distillation.UsesCache);
        Assert.Equal(objective.Inputs.Count, teacher.Inputs.Count);
        for (var i = 0; i < objective.Inputs.Count; i++)
        {
            Assert.True(TensorAssert.Identical(objective.Inputs[i], teacher.Inputs[i]), $"step {i + 1}: the teacher saw other inputs than the student");
            using var plain = _tiny.Data.Train.Features.index_select(0, objective.Rows[i]);
            Assert.False(TensorAssert.Identical(plain, objective.Inputs[i]), $"step {i + 1} was not augmented");
        }
    }

    [Fact]
    public void Without_augmentation_the_teacher_is_cached_once()
    {
        using var inner = Build("mlp:32", 2);
        using var teacher = new RecordingModule(inner);
        using var student = Build("mlp:8", 3);
        var options = new TrainingOptions { Epochs = 2, BatchSize = 100 };
        using var frozen = new FrozenTeacher(teacher, _tiny.Data.Train.Features);
        using var distillation = DistillationObjective.Create(student, frozen, new DistillationOptions(), _tiny.Data.Train.SampleShape, 10,
            _tiny.Data.Train.Count, 1, augmented: options.Augments);

        new Trainer(options).Train("student", student, _tiny.Data.Train, _tiny.Data.Validation, distillation);

        Assert.True(distillation.UsesCache);
        // One pass over the training set in evaluation batches of 128 when the cache is built, none per step.
        Assert.Equal((int)Math.Ceiling(_tiny.Data.Train.Count / 128.0), teacher.Inputs.Count);
    }

    /// <summary>Passes every call through to a frozen module, keeping a copy of what it was given.</summary>
    private sealed class RecordingModule : nn.Module<Tensor, Tensor>
    {
        private readonly nn.Module<Tensor, Tensor> _inner;

        public RecordingModule(nn.Module<Tensor, Tensor> inner) : base(nameof(RecordingModule))
        {
            _inner = inner;
            RegisterComponents();
        }

        public List<Tensor> Inputs { get; } = [];

        public override Tensor forward(Tensor input)
        {
            Inputs.Add(input.detach().clone().DetachFromDisposeScope());
            return _inner.call(input);
        }
    }

    private sealed class RecordingObjective(ITrainingObjective inner) : ITrainingObjective
    {
        public List<Tensor> Inputs { get; } = [];

        public List<Tensor> Rows { get; } = [];

        public (Tensor Logits, Distill.Losses.LossTerms Terms) Step(nn.Module<Tensor, Tensor> model, Tensor inputs, Tensor labels, Tensor rows, int epoch)
        {
            Inputs.Add(inputs.detach().clone().DetachFromDisposeScope());
            Rows.Add(rows.clone().DetachFromDisposeScope());
            return inner.Step(model, inputs, labels, rows, epoch);
        }
    }
}
