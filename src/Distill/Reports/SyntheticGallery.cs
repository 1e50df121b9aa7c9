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
    private const int Side = 84;
    private const int CaptionHeight = 18;
    private static readonly CaptionedImageGrid Grid = new(CellWidth: Side + 4, CellHeight: Side + CaptionHeight, PictureLeft: 0, PictureTop: 0, PictureSide: Side, CaptionLeft: 2);

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
        Grid.Write(count, i => new CaptionedImageGrid.Cell(TestImages.Picture(pixels, i, width, height),
            [new($"teacher: {CaptionedImageGrid.ClassName(classNames, teacherClasses[i])}", Side + 13, SKColors.DimGray)]), path);
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
