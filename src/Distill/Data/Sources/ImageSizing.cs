namespace Distill.Data.Sources;

/// <summary>
/// The checks and choices an image folder's headers allow before any pixel is decoded: every image
/// within the pixel limit, and the size images are resized to when the user names none.
/// </summary>
public static class ImageSizing
{
    /// <summary>The largest side a default size keeps: the most <c>--image-size</c> accepts.</summary>
    public const int MaxDefaultSide = 1024;

    /// <summary>
    /// Refuses the first image above <paramref name="maxPixels"/>. Decoding one costs its pixels times
    /// about ten bytes (the decoder's buffer, a planar copy, a float32 tensor), per worker, so an image
    /// of a few hundred kilobytes can claim gigabytes: the header says so before anything is spent.
    /// </summary>
    public static void CheckPixels(IReadOnlyList<string> paths, IReadOnlyList<(int Width, int Height, bool Colour)> probes, long maxPixels)
    {
        for (var i = 0; i < probes.Count; i++)
        {
            var (width, height, _) = probes[i];
            var pixels = (long)width * height;
            if (pixels <= maxPixels) continue;
            throw new DataFormatException(
                $"Image '{paths[i]}' is {width}x{height} ({Megapixels(pixels)} megapixels), more than the {Megapixels(maxPixels)} megapixels Distill decodes per image; remove or shrink it, or raise the limit with --max-image-pixels {pixels}.");
        }
    }

    /// <summary>
    /// The size to resize to when none is asked for: the most common size among
    /// <paramref name="training"/> (ties go to the smaller, cheaper one), so one odd file, first or
    /// not, never sets the size of every input. A size above <see cref="MaxDefaultSide"/> on a side
    /// (camera photos) shrinks with its aspect kept, since every batch and the in-memory tensor scale with it.
    /// </summary>
    public static (int Height, int Width) DefaultSize(IEnumerable<(int Width, int Height, bool Colour)> training)
    {
        var (width, height) = training
            .GroupBy(p => (p.Width, p.Height))
            .OrderByDescending(g => g.Count())
            .ThenBy(g => (long)g.Key.Width * g.Key.Height)
            .ThenBy(g => g.Key.Width)
            .Select(g => g.Key)
            .First();
        var longer = Math.Max(width, height);
        if (longer <= MaxDefaultSide) return (height, width);
        var scale = (double)MaxDefaultSide / longer;
        return (Math.Max(1, (int)Math.Round(height * scale)), Math.Max(1, (int)Math.Round(width * scale)));
    }

    private static string Megapixels(long pixels) => (pixels / 1e6).ToString("0.##", System.Globalization.CultureInfo.InvariantCulture);
}
