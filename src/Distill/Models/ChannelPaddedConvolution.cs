using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Distill.Models;

/// <summary>
/// A 2-D convolution computed in a low-precision type (bfloat16) that stays correct for any
/// channel count. libtorch 2.10's bfloat16 CPU convolution (oneDNN) returns outputs off by 22-80 %
/// when a side has fewer than <see cref="MinChannels"/> output channels, and input gradients off by
/// 25-67 % (or NaN) with fewer than <see cref="MinChannels"/> input channels (bench/profile.sh
/// bf16-conv measures it). Padding the channels with zeros up to <see cref="MinChannels"/> keeps the
/// kernel on its correct path: zero input channels and zero filters add nothing to the output,
/// and the extra outputs and gradients are cut off again, so results equal an unpadded convolution.
/// Input channels are padded only when the input's gradient will be computed (not for a model's
/// first layer), where the forward pass and the weight gradient are already right.
/// </summary>
public static class ChannelPaddedConvolution
{
    /// <summary>The fewest channels on either side for which libtorch's bfloat16 kernel is right.</summary>
    public const long MinChannels = 16;

    /// <summary>conv2d(input, weight, bias) without padding of the image, computed in <paramref name="type"/>; returns that type.</summary>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias, long stride, ScalarType type)
    {
        using var scope = NewDisposeScope();
        var outputs = weight.shape[0];
        var inputs = weight.shape[1];
        var x = input.to(type);
        var w = weight.to(type);
        var b = bias?.to(type);
        var extraInputs = input.requires_grad && inputs < MinChannels ? MinChannels - inputs : 0;
        var extraOutputs = outputs < MinChannels ? MinChannels - outputs : 0;
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
        var output = functional.conv2d(x, w, b, strides: [stride, stride]);
        if (extraOutputs > 0) output = output.narrow(1, 0, outputs);
        return output.MoveToOuterDisposeScope();
    }
}
