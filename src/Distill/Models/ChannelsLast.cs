using static TorchSharp.torch;

namespace Distill.Models;

/// <summary>
/// Images (N, C, H, W) stored channels-last: NHWC strides under the same shape and indexing, the
/// layout in which oneDNN's bfloat16 convolutions run without reordering their input, output and
/// gradients on every call, and in which libtorch's max-pooling forward and max-unpooling are fast.
/// Every libtorch operation computes the same values in either layout; only speed differs.
/// </summary>
internal static class ChannelsLast
{
    /// <summary>True when <paramref name="images"/> is a 4-D tensor stored densely channels-last.</summary>
    public static bool Holds(Tensor images)
    {
        if (images.dim() != 4) return false;
        var (channels, width) = (images.shape[1], images.shape[3]);
        return images.stride(1) == 1 && images.stride(3) == channels && images.stride(2) == channels * width;
    }

    /// <summary>
    /// <paramref name="images"/> stored channels-last: itself (an alias) when it already is, otherwise a copy.
    /// A single channel takes no copy, only explicit strides: libtorch reads a one-channel tensor
    /// with NCHW strides as NCHW, and its convolution would then return NCHW outputs.
    /// </summary>
    public static Tensor Of(Tensor images)
    {
        if (Holds(images)) return images.alias();
        var (batch, channels, height, width) = (images.shape[0], images.shape[1], images.shape[2], images.shape[3]);
        if (channels == 1)
            using (var dense = images.contiguous())
                return dense.as_strided([batch, 1, height, width], [height * width, 1, width, 1]);
        using var nhwc = images.permute(0, 2, 3, 1).contiguous();
        return nhwc.permute(0, 3, 1, 2);
    }
}
