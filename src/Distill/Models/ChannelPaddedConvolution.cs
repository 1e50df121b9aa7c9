using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Distill.Models;

/// <summary>
/// A 2-D convolution computed in a low-precision type (bfloat16) that stays correct for any
/// channel count. libtorch 2.10's bfloat16 CPU convolution (oneDNN) returns outputs off by 22-80 %
/// when a side has fewer than <see cref="ChannelBlock"/> output channels, and input gradients off by
/// 25-67 % (or NaN) with fewer than <see cref="ChannelBlock"/> input channels (bench/profile.sh
/// bf16-conv measures it); on an AMD EPYC (family 26) any count that is not a multiple of
/// <see cref="ChannelBlock"/> goes wrong the same way (20 input channels: wrong outputs; 24 output
/// channels: wrong input gradients). Padding the channels with zeros up to the next multiple of
/// <see cref="ChannelBlock"/> keeps the kernel on its correct path: zero input channels and zero
/// filters add nothing to the output, and the extra outputs and gradients are cut off again, so
/// results equal an unpadded convolution. Fewer than <see cref="ChannelBlock"/> input channels are
/// padded only when the input's gradient will be computed (not for a model's first layer, whose
/// forward pass and weight gradient are right on every CPU measured).
/// </summary>
public static class ChannelPaddedConvolution
{
    /// <summary>The channel block of oneDNN's kernels: counts that are multiples of it are computed right.</summary>
    public const long ChannelBlock = 16;

    /// <summary>conv2d(input, weight, bias) with <paramref name="padding"/> zeros around the image, computed in <paramref name="type"/>; returns that type, stored channels-last (<see cref="ChannelsLast"/>).</summary>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias, long stride, ScalarType type, long padding = 0)
    {
        using var scope = NewDisposeScope();
        var outputs = weight.shape[0];
        var inputs = weight.shape[1];
        var x = input.to(type);
        var w = weight.to(type);
        var b = bias?.to(type);
        var extraInputs = input.requires_grad || inputs > ChannelBlock ? ToBlock(inputs) : 0;
        var extraOutputs = ToBlock(outputs);
        if (extraInputs > 0)
        {
            x = functional.pad(x, [0, 0, 0, 0, 0, extraInputs]);
            w = functional.pad(w, [0, 0, 0, 0, 0, extraInputs]);
        }
        if (extraOutputs > 0)
        {
            w = functional.pad(w, [0, 0, 0, 0, 0, 0, 0, extraOutputs]);
            b = b is null ? null : functional.pad(b, [0, extraOutputs]);
        }
        // Channels-last input: oneDNN then computes (and returns) channels-last without reordering
        // activations and gradients into its blocked layout and back on every call.
        x = ChannelsLast.Of(x);
        var output = functional.conv2d(x, w, b, strides: [stride, stride], padding: [padding, padding]);
        if (extraOutputs > 0) output = output.narrow(1, 0, outputs);
        return output.MoveToOuterDisposeScope();
    }

    private static long ToBlock(long channels) => (ChannelBlock - channels % ChannelBlock) % ChannelBlock;
}
