using Distill.Data;
using SkiaSharp;
using static TorchSharp.torch;

namespace Distill.Reports;

/// <summary>Test images back in pixels (normalisation undone, grey as RGB), for the galleries.</summary>
internal static class TestImages
{
    /// <summary>The images of <paramref name="subset"/> as RGB bytes, [N, H, W, 3], in memory or streamed.</summary>
    public static byte[] Rgb(LabeledDataset subset, ChannelNormalization normalization)
    {
        using var scope = NewDisposeScope();
        var images = subset.IsStreamed ? cat(subset.Batches(64).Select(b => b.Inputs).ToList(), 0) : subset.Features;
        var mean = tensor(normalization.Mean).view(1, -1, 1, 1);
        var std = tensor(normalization.Std).view(1, -1, 1, 1);
        var raw = (images.to_type(ScalarType.Float64) * std + mean).mul(255).round().clamp(0, 255).to_type(ScalarType.Byte);
        if (subset.SampleShape[0] == 1) raw = raw.expand(-1, 3, -1, -1);
        return raw.permute(0, 2, 3, 1).contiguous().data<byte>().ToArray();
    }

    /// <summary>Image <paramref name="index"/> of <paramref name="rgb"/> (as <see cref="Rgb"/> returns) as an opaque Skia image.</summary>
    public static SKImage Picture(byte[] rgb, int index, int width, int height)
    {
        var source = rgb.AsSpan(index * width * height * 3, width * height * 3);
        var rgba = new byte[width * height * 4];
        for (var p = 0; p < width * height; p++)
        {
            rgba[p * 4] = source[p * 3];
            rgba[p * 4 + 1] = source[p * 3 + 1];
            rgba[p * 4 + 2] = source[p * 3 + 2];
            rgba[p * 4 + 3] = 255;
        }
        return SKImage.FromPixelCopy(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque), rgba);
    }
}
