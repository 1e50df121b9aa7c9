using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Data;

/// <summary>Brings a batch of images [N, C, H, W] to the channel count and square size asked for.</summary>
public static class ImageShaping
{
    // ITU-R BT.601 luma, the weights stb_image uses when it converts colour to grey.
    private static readonly float[] LumaWeights = [0.299f, 0.587f, 0.114f];

    /// <summary>A new tensor with <paramref name="channels"/> channels of <paramref name="size"/> x <paramref name="size"/> (bilinear); null keeps that dimension.</summary>
    public static Tensor Conform(Tensor images, int? channels, int? size)
    {
        using var scope = NewDisposeScope();
        var result = images.alias();
        if (channels is { } c && c != result.shape[1])
            result = c == 1 ? ToGrey(result) : result.expand(-1, c, -1, -1).contiguous();
        if (size is { } s && (result.shape[2] != s || result.shape[3] != s))
            result = nn.functional.interpolate(result, [s, s], mode: InterpolationMode.Bilinear, align_corners: false);
        return result.MoveToOuterDisposeScope();
    }

    private static Tensor ToGrey(Tensor images)
    {
        if (images.shape[1] != 3)
            throw new DistillException($"Images with {images.shape[1]} channels cannot be turned into grayscale; expected 3.");
        using var weights = tensor(LumaWeights).view(1, 3, 1, 1);
        return (images * weights).sum(1, keepdim: true);
    }
}
