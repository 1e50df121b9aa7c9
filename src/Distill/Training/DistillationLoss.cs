using Distill.Losses;
using Distill.Methods;
using Distill.Teachers;
using static TorchSharp.torch;

namespace Distill.Training;

/// <summary>
/// Distill's methods as a loss for a training loop of the user's own: student logits, teacher logits
/// and the layers' outputs in, named loss terms out (hard_ce = HardLabelWeight * CE(y, z_s), then each
/// method's terms, e.g. soft_kl and hint). The same methods and taps <see cref="DistillationObjective"/>
/// trains with, so the terms are those a study would log. Methods with parameters of their own (FitNets'
/// regressor, CRD's heads) keep them in <see cref="Methods"/>: give its parameters to the optimizer
/// beside the student's, and switch it with the student between train() and eval().
/// </summary>
public sealed class DistillationLoss : IDisposable
{
    private readonly DistillationObjective _objective;
    private readonly double _hardLabelWeight;

    /// <param name="student">The student; the methods read its layers through forward hooks, so it needs no changes.</param>
    /// <param name="teacher">The teacher; frozen here (eval mode, no gradients) and run on every batch <see cref="Step"/> is given.</param>
    /// <param name="sampleShape">One input's shape (no batch dimension), to probe both models' layers with.</param>
    /// <param name="trainCount">Rows in the training set (CRD keeps a memory bank of one entry per row).</param>
    public DistillationLoss(
        nn.Module<Tensor, Tensor> student, nn.Module<Tensor, Tensor> teacher, DistillationOptions options,
        IReadOnlyList<long> sampleShape, int classCount, long trainCount, int seed = 1)
    {
        ArgumentNullException.ThrowIfNull(options);
        using var shape = empty([0, .. sampleShape]);
        using var frozen = new FrozenTeacher(teacher, shape);
        _objective = DistillationObjective.Create(student, frozen, options, sampleShape, classCount, trainCount, seed, augmented: true);
        _hardLabelWeight = options.ResolvedHardLabelWeight();
    }

    /// <summary>The methods: their parameters for the optimizer, their state for a checkpoint.</summary>
    public MethodSet Methods => _objective.Methods;

    /// <summary>The student layers (module paths) whose outputs <see cref="Terms"/> needs.</summary>
    public IReadOnlyList<string> StudentLayers => _objective.StudentLayers;

    /// <summary>The teacher layers (module paths) whose outputs <see cref="Terms"/> needs.</summary>
    public IReadOnlyList<string> TeacherLayers => _objective.TeacherLayers;

    /// <summary>
    /// Runs the student (taps armed) and the teacher (no gradients) on <paramref name="inputs"/> and
    /// returns the student's logits and the loss terms; <c>terms.Total().backward()</c> trains.
    /// </summary>
    /// <param name="rows">The batch's row numbers in the training set (CRD's memory bank); null: 0..batch-1.</param>
    /// <param name="epoch">The epoch, for methods with a warm-up (DKD).</param>
    public (Tensor Logits, LossTerms Terms) Step(nn.Module<Tensor, Tensor> student, Tensor inputs, Tensor labels, Tensor? rows = null, int epoch = 0) =>
        _objective.Step(student, inputs, labels, rows ?? arange(inputs.shape[0], device: inputs.device), epoch);

    /// <summary>The loss terms of logits and layer outputs the caller computed itself (by <see cref="StudentLayers"/> and <see cref="TeacherLayers"/> names).</summary>
    public LossTerms Terms(
        Tensor studentLogits, Tensor teacherLogits, Tensor labels,
        IReadOnlyDictionary<string, Tensor>? studentFeatures = null, IReadOnlyDictionary<string, Tensor>? teacherFeatures = null,
        Tensor? rows = null, int epoch = 0)
    {
        studentFeatures ??= new Dictionary<string, Tensor>();
        teacherFeatures ??= new Dictionary<string, Tensor>();
        if (StudentLayers.FirstOrDefault(l => !studentFeatures.ContainsKey(l)) is { } student)
            throw new DistillException($"The methods read the student layer '{student}', which the features given lack; give {string.Join(", ", StudentLayers)}.");
        if (TeacherLayers.FirstOrDefault(l => !teacherFeatures.ContainsKey(l)) is { } teacher)
            throw new DistillException($"The methods read the teacher layer '{teacher}', which the features given lack; give {string.Join(", ", TeacherLayers)}.");
        var step = new DistillationStep(studentLogits, teacherLogits, labels, studentFeatures, teacherFeatures,
            rows ?? arange(studentLogits.shape[0], device: studentLogits.device), epoch);
        return DistillationObjective.Terms(Methods, _hardLabelWeight, step);
    }

    public void Dispose() => _objective.Dispose();
}
