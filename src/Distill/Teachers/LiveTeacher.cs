using Distill.Features;
using static TorchSharp.torch;

namespace Distill.Teachers;

/// <summary>
/// A frozen teacher module run on every batch, under no_grad and in eval mode: what augmented
/// inputs need, since they differ every epoch.
/// </summary>
public sealed class LiveTeacher : ITeacherSource, IDisposable
{
    private readonly nn.Module<Tensor, Tensor> _teacher;
    private readonly FeatureTaps _taps;

    public LiveTeacher(nn.Module<Tensor, Tensor> teacher, IReadOnlyList<string> layers)
    {
        Freeze(teacher);
        _teacher = teacher;
        _taps = new FeatureTaps(teacher, layers, "teacher");
    }

    public IReadOnlyList<string> Layers => _taps.Layers;

    /// <summary>The frozen teacher this source runs.</summary>
    public nn.Module<Tensor, Tensor> Module => _teacher;

    public bool IsCached => false;

    /// <summary>Eval mode (dropout and batch-norm statistics fixed) and no gradients, for good.</summary>
    public static void Freeze(nn.Module teacher)
    {
        teacher.eval();
        foreach (var parameter in teacher.parameters()) parameter.requires_grad = false;
    }

    public TeacherOutputs Outputs(Tensor inputs, Tensor rows)
    {
        using var noGrad = no_grad();
        // The teacher's convolutions get oneDNN where it computes them right, whatever the student's
        // shapes made the step choose: with both under one switch, a student whose channels oneDNN gets
        // wrong put the teacher on libtorch's slow kernels too (a distillation epoch 6x its training's).
        using var oneDnn = Native.OneDnnSwitch.Inside([_teacher]);
        using var armed = _taps.Arm();
        var logits = _teacher.call(inputs);
        return new TeacherOutputs(logits, new Dictionary<string, Tensor>(_taps.Outputs));
    }

    public void Dispose() => _taps.Dispose();
}
