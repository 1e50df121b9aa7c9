using static TorchSharp.torch;

namespace Distill.Quantization;

/// <summary>
/// The int8 arithmetic of Distill's QDQ ONNX files (<see cref="Export.OnnxQuantizer"/>), simulated in
/// float so a model can train through it (Jacob et al. 2018, "Quantization and Training of Neural
/// Networks for Efficient Integer-Arithmetic-Only Inference"): q(x) = (clamp(round(x / s) + z, lo, hi) - z) s.
/// Gradients pass straight through where x lies inside the grid and are zero outside it (the
/// straight-through estimator of Bengio et al. 2013), as torch.fake_quantize_per_tensor_affine and
/// torch.fake_quantize_per_channel_affine compute them; rounding is half to even, as in ONNX Runtime.
/// </summary>
public static class FakeQuantization
{
    /// <summary>The uint8 scale and zero point of an activation range, as the exporter writes them: the range holds zero, so zero is exact.</summary>
    public static (float Scale, int ZeroPoint) ActivationParameters(float low, float high)
    {
        (low, high) = (Math.Min(low, 0), Math.Max(high, 0));
        var scale = high > low ? (high - low) / 255f : 1f;
        return (scale, (int)Math.Clamp(Math.Round(-low / scale), 0, 255));
    }

    /// <summary>An activation on the uint8 grid of <paramref name="scale"/> and <paramref name="zeroPoint"/> (one scale per tensor).</summary>
    public static Tensor Activation(Tensor input, float scale, int zeroPoint)
    {
        using var scope = NewDisposeScope();
        var steps = (input.detach() * (1f / scale)).round() + zeroPoint;
        return Dequantized(input, steps, zeroPoint, tensor(scale), 0, 255).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// A weight on the symmetric int8 grid of its output channel (axis 0): s_c = max |w_c| / 127
    /// (1 for an all-zero channel), values in [-127, 127]. The scales come from the weight itself,
    /// so nothing is clipped and the gradient is the identity.
    /// </summary>
    public static Tensor Weight(Tensor weight) => Weight(weight, WeightScales(weight));

    /// <summary>A weight on the symmetric int8 grid of the given per-output-channel scales.</summary>
    public static Tensor Weight(Tensor weight, Tensor scales)
    {
        using var scope = NewDisposeScope();
        var perChannel = scales.reshape([scales.shape[0], .. Enumerable.Repeat(1L, (int)weight.dim() - 1)]);
        var steps = (weight.detach() * (1f / perChannel)).round();
        return Dequantized(weight, steps, 0, perChannel, -127, 127).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// (clamp(steps, lo, hi) - z) s, with the gradient of <paramref name="input"/> passed where the steps
    /// lie inside [lo, hi] (x - x.detach() is zero forward and the identity backward).
    /// </summary>
    private static Tensor Dequantized(Tensor input, Tensor steps, int zeroPoint, Tensor scale, int low, int high)
    {
        var inside = steps.ge(low).logical_and(steps.le(high));
        var values = (steps.clamp(low, high) - zeroPoint) * scale;
        return values + (input - input.detach()) * inside;
    }

    /// <summary>The per-output-channel scales max |w_c| / 127 of a weight (no gradient flows through them).</summary>
    public static Tensor WeightScales(Tensor weight)
    {
        using var scope = NewDisposeScope();
        var largest = weight.detach().abs().reshape(weight.shape[0], -1).amax(1).to(ScalarType.Float32);
        return where(largest.gt(0), largest / 127f, ones_like(largest)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// A bias on the int32 grid the integer kernels add it on: one step per output channel is the
    /// input's scale times the weight's, b_q = round(b / s) s; the gradient passes straight through.
    /// </summary>
    public static Tensor Bias(Tensor bias, Tensor scales)
    {
        using var scope = NewDisposeScope();
        var rounded = (bias.detach() / scales).round() * scales;
        return (bias + (rounded - bias.detach())).MoveToOuterDisposeScope();
    }
}
