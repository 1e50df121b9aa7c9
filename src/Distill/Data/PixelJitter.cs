using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Data;

/// <summary>
/// Shifts each image by a random whole number of pixels, up to <see cref="MaxShift"/> in each
/// direction, filling the uncovered border with the background value (Hinton et al. 2015, §3
/// trains the MNIST teacher on inputs "jittered by up to two pixels").
/// </summary>
public sealed class PixelJitter
{
    private readonly Generator _generator;

    public PixelJitter(int maxShift, double background, long seed)
    {
        if (maxShift < 0) throw new DistillException($"The jitter must be zero or more pixels, not {maxShift}.");
        MaxShift = maxShift;
        Background = background;
        _generator = new Generator((ulong)seed);
    }

    public int MaxShift { get; }

    public double Background { get; }

    public Generator Generator => _generator;

    /// <summary>Returns a jittered copy of a batch shaped [N, C, H, W].</summary>
    public Tensor Apply(Tensor images)
    {
        if (MaxShift == 0) return images.alias();
        var n = images.shape[0];
        var height = images.shape[2];
        var width = images.shape[3];
        // A shift as large as the image leaves only background: every example would be blank.
        if (MaxShift >= Math.Min(height, width))
            throw new DistillException($"The jitter of {MaxShift} pixels is not smaller than the {height}x{width} images; use at most {Math.Min(height, width) - 1}.");
        var pad = MaxShift;
        using var padded = nn.functional.pad(images, [pad, pad, pad, pad], PaddingModes.Constant, Background);
        using var shifts = randint(0, 2 * pad + 1, [n, 2], generator: _generator, dtype: ScalarType.Int64);
        // Gather each image's window with one index op: rows and columns offset per image.
        using var rowBase = arange(height, ScalarType.Int64).unsqueeze(0);
        using var columnBase = arange(width, ScalarType.Int64).unsqueeze(0);
        using var rows = rowBase + shifts[.., 0..1];
        using var columns = columnBase + shifts[.., 1..2];
        var paddedWidth = width + 2 * pad;
        using var flatIndex = (rows.unsqueeze(2) * paddedWidth + columns.unsqueeze(1)).view(n, 1, height * width)
            .expand(n, images.shape[1], height * width);
        using var flat = padded.flatten(2);
        return flat.gather(2, flatIndex).view(images.shape);
    }
}
