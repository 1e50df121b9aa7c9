using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Distill.Models;

/// <summary>
/// A dense layer with TorchSharp's Linear initialisation and parameter names (weight, bias), which
/// multiplies in <see cref="ComputeType"/> when one is set. Its float32 weights are cast on each
/// forward pass, so gradients flow back to them and the optimizer never sees the low-precision copy.
/// </summary>
public sealed class MixedLinear : Module<Tensor, Tensor>, IMixedPrecisionLayer
{
    // RegisterComponents registers them under these names, the ones Linear uses in a state dict.
    private Parameter weight;
    private Parameter bias;

    public MixedLinear(long inputFeatures, long outputFeatures, Device? device = null) : base(nameof(MixedLinear))
    {
        // TorchSharp's (and PyTorch's) Linear initialisation, draw for draw; a test holds them equal.
        weight = new Parameter(empty([outputFeatures, inputFeatures], device: device));
        init.kaiming_uniform_(weight, a: Math.Sqrt(5));
        var bound = 1 / Math.Sqrt(inputFeatures);
        bias = new Parameter(empty([outputFeatures], device: device));
        init.uniform_(bias, -bound, bound);
        RegisterComponents();
    }

    /// <summary>The layer's bias (one value per output).</summary>
    public Parameter Bias => bias;

    public ScalarType? ComputeType { get; set; }

    /// <summary>Cast the output back to float32 (for the classifier, whose logits feed the losses).</summary>
    public bool Float32Output { get; init; }

    public override Tensor forward(Tensor input)
    {
        if (ComputeType is not { } type) return functional.linear(input, weight, bias);
        using var scope = NewDisposeScope();
        var output = functional.linear(input.to(type), weight.to(type), bias.to(type));
        return (Float32Output ? output.to(ScalarType.Float32) : output).MoveToOuterDisposeScope();
    }
}
