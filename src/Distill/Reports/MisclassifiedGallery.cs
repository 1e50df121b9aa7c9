using Distill.Evaluation;
using Distill.Runs;
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
    private const int Columns = 8;
    private const int Cell = 84;
    private const int Caption = 30;
    private const int Gap = 6;

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

        var rowsOfCells = (wrong.Length + Columns - 1) / Columns;
        using var bitmap = new SKBitmap(Columns * (Cell + Gap) + Gap, rowsOfCells * (Cell + Caption + Gap) + Gap);
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(SKColors.White);
        using var font = new SKFont(SKTypeface.Default, 11);
        using var truth = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        using var predicted = new SKPaint { Color = new SKColor(0xC6, 0x28, 0x28), IsAntialias = true };
        var sampleSize = channels * height * width;
        for (var k = 0; k < wrong.Length; k++)
        {
            var left = Gap + k % Columns * (Cell + Gap);
            var top = Gap + k / Columns * (Cell + Caption + Gap);
            DrawImage(bitmap, pixels.AsSpan(k * sampleSize, sampleSize), channels, height, width, left, top + Caption / 2);
            canvas.DrawText(Name(classNames, predictions.Labels[wrong[k]]), left, top + 11, SKTextAlign.Left, font, truth);
            canvas.DrawText("→ " + Name(classNames, predictions.Predicted[wrong[k]]), left, top + Caption / 2 + Cell + 12, SKTextAlign.Left, font, predicted);
        }
        using var image = SKImage.FromBitmap(bitmap);
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        AtomicFile.WriteAllBytes(path, png.ToArray());
        return wrong.Length;
    }

    private static string Name(IReadOnlyList<string> names, int label)
    {
        var name = label < names.Count ? names[label] : label.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return name.Length <= 13 ? name : name[..12] + "…";
    }

    private static byte Level(float value, float min, float scale) => (byte)Math.Clamp((value - min) * scale, 0, 255);

    // Nearest-neighbour scaling into a Cell x Cell square, grey or RGB, stretched to the image's own range.
    private static void DrawImage(SKBitmap bitmap, ReadOnlySpan<float> image, int channels, int height, int width, int left, int top)
    {
        var (min, max) = (float.PositiveInfinity, float.NegativeInfinity);
        foreach (var v in image)
        {
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }
        var scale = max > min ? 255f / (max - min) : 0f;
        var plane = height * width;
        for (var y = 0; y < Cell; y++)
        for (var x = 0; x < Cell; x++)
        {
            var source = y * height / Cell * width + x * width / Cell;
            var red = Level(image[source], min, scale);
            var color = channels == 3
                ? new SKColor(red, Level(image[plane + source], min, scale), Level(image[2 * plane + source], min, scale))
                : new SKColor(red, red, red);
            bitmap.SetPixel(left + x, top + y, color);
        }
    }
}
