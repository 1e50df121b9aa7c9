using Distill.Features;
using static TorchSharp.torch;

namespace Distill.Teachers;

/// <summary>
/// A frozen teacher module run on every batch, under no_grad and in eval mode: what augmented
/// inputs need, since they differ every epoch. Its dense layers and convolutions compute in the
/// precision it is given (a bfloat16 student's step runs its teacher in bfloat16 too, as autocast
/// around the whole step would); its logits are float32 either way.
/// </summary>
public sealed class LiveTeacher : ITeacherSource, IDisposable
{
    private readonly nn.Module<Tensor, Tensor> _teacher;
    private readonly FeatureTaps _taps;
    private readonly Training.Precision _precision;
    // Found once: the teacher's layers are switched to the precision on every batch.
    private readonly IReadOnlyList<Models.IMixedPrecisionLayer> _mixedLayers;

    public LiveTeacher(nn.Module<Tensor, Tensor> teacher, IReadOnlyList<string> layers, Training.Precision precision = Training.Precision.Float32)
    {
        Freeze(teacher);
        _teacher = teacher;
        _precision = precision;
        _mixedLayers = precision == Training.Precision.Float32 ? [] : Models.MixedPrecision.Layers(teacher);
        _taps = new FeatureTaps(teacher, layers, "teacher");
    }

    /// <summary>The precision of the teacher's products.</summary>
    public Training.Precision Precision => _precision;

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
        using var mixed = _precision == Training.Precision.Float32 ? null : Models.MixedPrecision.Use(_mixedLayers, _precision);
        // The teacher's convolutions get oneDNN where it computes them right, whatever the student's
        // shapes made the step choose: with both under one switch, a student whose channels oneDNN gets
        // wrong put the teacher on libtorch's slow kernels too (a distillation epoch 6x its training's).
        using var oneDnn = Native.OneDnnSwitch.Inside([_teacher]);
        using var armed = _taps.Arm();
        var logits = _teacher.call(inputs);
        if (logits.dtype != ScalarType.Float32)
        {
            using var lower = logits;
            logits = lower.to(ScalarType.Float32);
        }
        // The methods read float32 feature maps whatever the teacher computed in.
        var features = _taps.Outputs.ToDictionary(p => p.Key, p => p.Value.dtype == ScalarType.Float32 ? p.Value : p.Value.to(ScalarType.Float32));
        return new TeacherOutputs(logits, features);
    }

    public void Dispose() => _taps.Dispose();
}
