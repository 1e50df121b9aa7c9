using Distill.Evaluation;
using SkiaSharp;
using static TorchSharp.torch;

namespace Distill.Reports;

/// <summary>
/// The first test images (in test-set order) a model gets wrong, as one PNG: each image scaled to a
/// fixed cell, its true class above and the predicted one in red below. Drawn when the model is
/// evaluated, since the report is rebuilt from the run folder alone and the folder holds no images.
/// </summary>
public static class MisclassifiedGallery
{
    public const string FileName = "misclassified.png";
    private const int Cell = 84;
    private const int Caption = 30;
    private const int Gap = 6;
    private const int NameLength = 13;
    private static readonly SKColor Predicted = new(0xC6, 0x28, 0x28);
    // The picture sits between the true class above it and the predicted one below.
    private static readonly CaptionedImageGrid Grid = new(CellWidth: Cell + Gap, CellHeight: Cell + Caption + Gap,
        PictureLeft: 0, PictureTop: Caption / 2, PictureSide: Cell, CaptionLeft: 0, Margin: Gap);

    /// <summary>True for image-shaped samples: [H, W] or [C, H, W] with 1 or 3 channels.</summary>
    public static bool Fits(IReadOnlyList<long> sampleShape) =>
        sampleShape.Count == 2 || (sampleShape.Count == 3 && sampleShape[0] is 1 or 3);

    /// <param name="features">The test inputs, [N, ...sample shape], as the model saw them (each image is rescaled to its own range).</param>
    /// <returns>How many images the gallery shows (0 when the model made no error; no file is then written).</returns>
    public static int Draw(TestPredictions predictions, Tensor features, IReadOnlyList<string> classNames, string path, int limit = 32)
    {
        var wrong = Enumerable.Range(0, predictions.Count).Where(i => predictions.Predicted[i] != predictions.Labels[i]).Take(limit).ToArray();
        if (wrong.Length == 0) return 0;
        var shape = features.shape;
        var (channels, height, width) = shape.Length == 4 ? ((int)shape[1], (int)shape[2], (int)shape[3]) : (1, (int)shape[1], (int)shape[2]);
        float[] pixels;
        using (var rows = tensor(wrong.Select(i => (long)i).ToArray()))
        using (var picked = features.index_select(0, rows).cpu().to(float32).contiguous())
            pixels = picked.data<float>().ToArray();

        var sampleSize = channels * height * width;
        Grid.Write(wrong.Length, k => new CaptionedImageGrid.Cell(Picture(pixels.AsSpan(k * sampleSize, sampleSize), channels, height, width),
            [
                new(CaptionedImageGrid.ClassName(classNames, predictions.Labels[wrong[k]], NameLength), 11, SKColors.Black),
                new("→ " + CaptionedImageGrid.ClassName(classNames, predictions.Predicted[wrong[k]], NameLength), Caption / 2 + Cell + 12, Predicted),
            ]), path);
        return wrong.Length;
    }

    private static byte Level(float value, float min, float scale) => (byte)Math.Clamp((value - min) * scale, 0, 255);

    // Nearest-neighbour scaling into a Cell x Cell square, grey or RGB, stretched to the image's own range.
    private static SKImage Picture(ReadOnlySpan<float> image, int channels, int height, int width)
    {
        var (min, max) = (float.PositiveInfinity, float.NegativeInfinity);
        foreach (var v in image)
        {
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }
        var scale = max > min ? 255f / (max - min) : 0f;
        var plane = height * width;
        var rgb = new byte[Cell * Cell * 3];
        for (var y = 0; y < Cell; y++)
        for (var x = 0; x < Cell; x++)
        {
            var source = y * height / Cell * width + x * width / Cell;
            var at = (y * Cell + x) * 3;
            rgb[at] = Level(image[source], min, scale);
            rgb[at + 1] = channels == 3 ? Level(image[plane + source], min, scale) : rgb[at];
            rgb[at + 2] = channels == 3 ? Level(image[2 * plane + source], min, scale) : rgb[at];
        }
        return TestImages.Picture(rgb, 0, Cell, Cell);
    }
}
