using Distill.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distill.Quantization;

/// <summary>The dense and convolution products quantization-aware training recomputes with fake-quantised weights.</summary>
internal static class QuantizedLayers
{
    /// <summary>A dense layer or convolution: its product is recomputed with a fake-quantised weight.</summary>
    public static bool Computes(nn.Module module) => module is Linear or MixedLinear or Conv2d or SameConv2d;

    /// <summary>The layer's weight and bias (null when it has none).</summary>
    public static (Tensor Weight, Tensor? Bias) Parameters(nn.Module layer)
    {
        var parameters = layer.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter, StringComparer.Ordinal);
        var prefix = layer is SameConv2d ? "conv." : "";
        return (parameters[prefix + "weight"], parameters.GetValueOrDefault(prefix + "bias"));
    }

    /// <summary>What the layer computes, with the given weight and bias in place of its own.</summary>
    public static Tensor Compute(nn.Module layer, Tensor input, Tensor weight, Tensor? bias) => layer switch
    {
        Linear or MixedLinear => nn.functional.linear(input, weight, bias),
        Conv2d conv => nn.functional.conv2d(input, weight, bias, conv.stride, conv.padding_type is null ? conv.padding : [0, 0], conv.dilation, conv.groups),
        SameConv2d same => Same(same, input, weight, bias),
        _ => throw new InvalidOperationException($"{layer.GetType().Name} has no weight to quantize."),
    };

    private static Tensor Same(SameConv2d conv, Tensor input, Tensor weight, Tensor? bias)
    {
        var (top, bottom) = SamePadding.For(input.shape[2], conv.Kernel, conv.Stride);
        var (left, right) = SamePadding.For(input.shape[3], conv.Kernel, conv.Stride);
        using var padded = nn.functional.pad(input, [left, right, top, bottom]);
        return nn.functional.conv2d(padded, weight, bias, [conv.Stride, conv.Stride]);
    }
}
