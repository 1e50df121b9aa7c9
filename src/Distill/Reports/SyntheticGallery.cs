using SkiaSharp;
using static TorchSharp.torch;

namespace Distill.Reports;

/// <summary>
/// The inputs a data-free method made for the teacher (DAFL's generator samples, Zero-Shot KD's or
/// DeepInversion's impressions), each under the class the teacher gives it. Synthetic images stray
/// outside the data's range, so each is stretched to black..white by its own minimum and maximum.
/// </summary>
public static class SyntheticGallery
{
    public const string FileName = "synthetic.png";
    private const int Columns = 8;
    private const int Side = 84;
    private const int CaptionHeight = 18;

    /// <summary>Draws <paramref name="images"/> ([N, C, H, W], C 1 or 3) with the teacher's classes into <paramref name="path"/> (PNG).</summary>
    public static void Write(Tensor images, IReadOnlyList<long> teacherClasses, IReadOnlyList<string> classNames, string path)
    {
        byte[] pixels;
        var (count, height, width) = ((int)images.shape[0], (int)images.shape[2], (int)images.shape[3]);
        using (NewDisposeScope())
        {
            var flat = images.detach().to_type(ScalarType.Float64).flatten(1);
            var low = flat.amin([1], keepdim: true);
            var high = flat.amax([1], keepdim: true);
            var scaled = ((flat - low) / (high - low).clamp_min(1e-12)).view(images.shape).mul(255).round().clamp(0, 255).to_type(ScalarType.Byte);
            if (images.shape[1] == 1) scaled = scaled.expand(-1, 3, -1, -1);
            pixels = scaled.permute(0, 2, 3, 1).contiguous().data<byte>().ToArray();
        }
        var rows = (count + Columns - 1) / Columns;
        var cellHeight = Side + CaptionHeight;
        using var surface = SKSurface.Create(new SKImageInfo(Columns * (Side + 4), Math.Max(1, rows) * cellHeight));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var font = new SKFont(SKTypeface.Default, 11);
        using var ink = new SKPaint { Color = SKColors.DimGray, IsAntialias = true };
        for (var i = 0; i < count; i++)
        {
            var (x, y) = (i % Columns * (Side + 4), i / Columns * cellHeight);
            using var image = TestImages.Picture(pixels, i, width, height);
            canvas.DrawImage(image, new SKRect(x, y, x + Side, y + Side), new SKSamplingOptions(SKFilterMode.Nearest));
            var label = teacherClasses[i] < classNames.Count ? classNames[(int)teacherClasses[i]] : teacherClasses[i].ToString();
            canvas.DrawText($"teacher: {label}", x + 2, y + Side + 13, SKTextAlign.Left, font, ink);
        }
        using var snapshot = surface.Snapshot();
        using var png = snapshot.Encode(SKEncodedImageFormat.Png, 100);
        Runs.AtomicFile.WriteAllBytes(path, png.ToArray());
    }

    /// <summary>The report's section: every synthetic.png under <paramref name="folder"/>, by its model folder.</summary>
    public static void AddSection(ReportDocument document, string folder)
    {
        if (!Directory.Exists(folder)) return;
        var files = Directory.EnumerateFiles(folder, FileName, SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0) return;
        document.Heading("Synthetic inputs of data-free distillation")
            .Paragraph("The inputs the student learned from, made from the teacher alone (no training image was read), each under the class the teacher gives it; each image is stretched by its own range.");
        foreach (var file in files)
        {
            var stored = Path.GetRelativePath(folder, file).Replace('\\', '/');
            document.Image(stored, $"Synthetic inputs ({Path.GetDirectoryName(stored)})");
        }
    }
}
