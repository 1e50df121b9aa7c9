using Distill.Data;
using Distill.Evaluation;
using SkiaSharp;
using static TorchSharp.torch;

namespace Distill.Reports;

/// <summary>
/// A picture of test images as a model sees them, each under its predicted and true class, framed
/// green when the prediction is right and red when it is wrong. The images are spread evenly over
/// the test set (rows 0, N/k, 2N/k, ...), so the sample is the same for every model of a run.
/// </summary>
public static class TestGallery
{
    public const string FileName = "gallery.png";
    private const int Columns = 8;
    private const int Rows = 4;
    private const int Side = 96;
    private const int Frame = 4;
    private const int CaptionHeight = 34;
    private static readonly SKColor Right = new(0x2e, 0x7d, 0x32);
    private static readonly SKColor Wrong = new(0xc6, 0x28, 0x28);

    /// <summary>True for images (1 or 3 channels); tables get no gallery.</summary>
    public static bool Applies(IReadOnlyList<long> sampleShape) => sampleShape.Count == 3 && sampleShape[0] is 1 or 3;

    /// <summary>The test rows shown: up to 32, evenly spaced.</summary>
    public static long[] Sample(long count)
    {
        var shown = Math.Min(count, Columns * Rows);
        return Enumerable.Range(0, (int)shown).Select(i => i * count / shown).ToArray();
    }

    /// <summary>Draws the gallery of <paramref name="model"/> on <paramref name="test"/> into <paramref name="path"/> (PNG); returns how many it got right.</summary>
    public static int Write(nn.Module<Tensor, Tensor> model, LabeledDataset test, ChannelNormalization normalization, IReadOnlyList<string> classNames, string path)
    {
        if (!Applies(test.SampleShape)) throw new DistillException($"'{test.Name}' holds inputs of shape {string.Join("x", test.SampleShape)}, not images; it has no gallery.");
        var rows = Sample(test.Count);
        byte[] pixels;
        long[] predicted, truth;
        var (height, width) = ((int)test.SampleShape[1], (int)test.SampleShape[2]);
        using (NewDisposeScope())
        {
            using var subset = test.Subset(tensor(rows, ScalarType.Int64));
            // The logits leave the evaluator outside any scope: held here, not left to the collector mid-use.
            using var logits = Evaluator.Logits(model, subset);
            predicted = logits.argmax(1).data<long>().ToArray();
            truth = subset.Labels.data<long>().ToArray();
            pixels = TestImages.Rgb(subset, normalization);
        }

        var cellWidth = Side + 2 * Frame;
        var cellHeight = Side + 2 * Frame + CaptionHeight;
        var shownRows = (rows.Length + Columns - 1) / Columns;
        using var surface = SKSurface.Create(new SKImageInfo(Columns * cellWidth, shownRows * cellHeight));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var font = new SKFont(SKTypeface.Default, 11);
        var correct = 0;
        for (var i = 0; i < rows.Length; i++)
        {
            var right = predicted[i] == truth[i];
            if (right) correct++;
            var (x, y) = (i % Columns * cellWidth, i / Columns * cellHeight);
            using var frame = new SKPaint { Color = right ? Right : Wrong, IsAntialias = true };
            canvas.DrawRect(x, y, cellWidth - 2, Side + 2 * Frame, frame);
            using var image = TestImages.Picture(pixels, i, width, height);
            canvas.DrawImage(image, new SKRect(x + Frame, y + Frame, x + Frame + Side, y + Frame + Side), new SKSamplingOptions(SKFilterMode.Nearest));
            canvas.DrawText($"pred: {Name(classNames, predicted[i])}", x + 2, y + Side + 2 * Frame + 13, SKTextAlign.Left, font, frame);
            using var plain = new SKPaint { Color = SKColors.DimGray, IsAntialias = true };
            canvas.DrawText($"true: {Name(classNames, truth[i])}", x + 2, y + Side + 2 * Frame + 27, SKTextAlign.Left, font, plain);
        }
        using var snapshot = surface.Snapshot();
        using var png = snapshot.Encode(SKEncodedImageFormat.Png, 100);
        Runs.AtomicFile.WriteAllBytes(path, png.ToArray());
        return correct;
    }

    private static string Name(IReadOnlyList<string> classNames, long label) => label < classNames.Count ? classNames[(int)label] : label.ToString();
}
