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
    private readonly Parameter _weight;
    private readonly Parameter? _bias;

    public MixedLinear(long inputFeatures, long outputFeatures) : base(nameof(MixedLinear))
    {
        // Built through Linear so the random initialisation is exactly TorchSharp's (and PyTorch's).
        var linear = Linear(inputFeatures, outputFeatures);
        _weight = linear.weight!;
        _bias = linear.bias;
        register_parameter("weight", _weight);
        if (_bias is not null) register_parameter("bias", _bias);
    }

    public ScalarType? ComputeType { get; set; }

    /// <summary>Cast the output back to float32 (for the classifier, whose logits feed the losses).</summary>
    public bool Float32Output { get; init; }

    public override Tensor forward(Tensor input)
    {
        if (ComputeType is not { } type) return functional.linear(input, _weight, _bias);
        using var scope = NewDisposeScope();
        var output = functional.linear(input.to(type), _weight.to(type), _bias?.to(type));
        return (Float32Output ? output.to(ScalarType.Float32) : output).MoveToOuterDisposeScope();
    }
}
