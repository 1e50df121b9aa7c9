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
    private const int Rows = 4;
    private const int Side = 96;
    private const int Frame = 4;
    private const int CaptionHeight = 34;
    private static readonly SKColor Right = new(0x2e, 0x7d, 0x32);
    private static readonly SKColor Wrong = new(0xc6, 0x28, 0x28);
    private static readonly CaptionedImageGrid Grid = new(CellWidth: Side + 2 * Frame, CellHeight: Side + 2 * Frame + CaptionHeight,
        PictureLeft: Frame, PictureTop: Frame, PictureSide: Side, CaptionLeft: 2);

    /// <summary>True for images (1 or 3 channels); tables get no gallery.</summary>
    public static bool Applies(IReadOnlyList<long> sampleShape) => sampleShape.Count == 3 && sampleShape[0] is 1 or 3;

    /// <summary>The test rows shown: up to 32, evenly spaced.</summary>
    public static long[] Sample(long count)
    {
        var shown = Math.Min(count, CaptionedImageGrid.Columns * Rows);
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

        Grid.Write(rows.Length, i =>
        {
            var colour = predicted[i] == truth[i] ? Right : Wrong;
            return new CaptionedImageGrid.Cell(TestImages.Picture(pixels, i, width, height),
                [
                    new($"pred: {CaptionedImageGrid.ClassName(classNames, predicted[i])}", Side + 2 * Frame + 13, colour),
                    new($"true: {CaptionedImageGrid.ClassName(classNames, truth[i])}", Side + 2 * Frame + 27, SKColors.DimGray),
                ],
                new CaptionedImageGrid.Frame(Grid.CellWidth - 2, Side + 2 * Frame, colour));
        }, path);
        return Enumerable.Range(0, rows.Length).Count(i => predicted[i] == truth[i]);
    }
}
