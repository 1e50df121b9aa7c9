using Distill.Data;
using Distill.Evaluation;
using Distill.Studies;
using SkiaSharp;
using static TorchSharp.torch;

namespace Distill.Reports;

/// <summary>
/// Teacher, scratch and distilled student on the same test images: under each image its true class
/// and each model's prediction, green when right and red when wrong. The images where the models
/// disagree come first (in test-set order), then images spread evenly over the rest. Drawn at the
/// end of a study, from the three models' test predictions and the test set still in memory, since
/// the run folder keeps no images for `distill report` to draw from.
/// </summary>
public static class ComparisonGallery
{
    public const string FileName = "comparison-gallery.png";
    private const int Limit = 32;
    private const int Side = 96;
    // Wider than the image, so "distilled: " and a class name of 11 characters fit on one line.
    private const int CellWidth = 140;
    private const int Pad = 4;
    private const int Line = 14;
    private const int NameLength = 11;
    private static readonly SKColor Right = new(0x2e, 0x7d, 0x32);
    private static readonly SKColor Wrong = new(0xc6, 0x28, 0x28);
    private static readonly SKColor Disagree = new(0xf5, 0x9e, 0x0b);

    /// <summary>The test rows shown: every row where the models' predictions differ (up to the limit), then evenly spaced others.</summary>
    public static long[] Pick(IReadOnlyList<TestPredictions> models, int limit = Limit)
    {
        var count = models[0].Count;
        var disagreeing = Enumerable.Range(0, count).Where(r => Differ(models, r)).Take(limit).ToList();
        var agreeing = Enumerable.Range(0, count).Where(r => !Differ(models, r)).ToList();
        var rest = Math.Min(limit - disagreeing.Count, agreeing.Count);
        return [.. disagreeing.Concat(Enumerable.Range(0, rest).Select(i => agreeing[(int)((long)i * agreeing.Count / rest)])).Select(r => (long)r)];
    }

    /// <summary>The gallery of a study's teacher, scratch and distilled student, when the data are images and each left its test predictions.</summary>
    public static void Write(ModelOutcome teacher, ModelOutcome scratch, ModelOutcome distilled, StudyData data, string path)
    {
        (string Label, ModelOutcome Outcome)[] models = [("teacher", teacher), ("scratch", scratch), ("distilled", distilled)];
        if (!TestGallery.Applies(data.Test.SampleShape) || models.Any(m => m.Outcome.PredictionsPath is not { } file || !File.Exists(file))) return;
        Write([.. models.Select(m => (m.Label, TestPredictions.Read(m.Outcome.PredictionsPath!)))], data.Test, data.Info.Normalization, data.Info.ClassNames, path);
    }

    /// <summary>Draws the gallery into <paramref name="path"/> (PNG); returns how many shown images the models disagree on.</summary>
    public static int Write(IReadOnlyList<(string Label, TestPredictions Predictions)> models, LabeledDataset test, ChannelNormalization normalization,
        IReadOnlyList<string> classNames, string path)
    {
        if (!TestGallery.Applies(test.SampleShape)) throw new DistillException($"'{test.Name}' holds inputs of shape {string.Join("x", test.SampleShape)}, not images; it has no gallery.");
        if (models.Any(m => m.Predictions.Count != test.Count)) throw new DistillException($"The predictions to compare are not of the {test.Count} rows of '{test.Name}'.");
        TestPredictions[] predictions = [.. models.Select(m => m.Predictions)];
        var rows = Pick(predictions);
        var (height, width) = ((int)test.SampleShape[1], (int)test.SampleShape[2]);
        byte[] pixels;
        using (NewDisposeScope())
        using (var subset = test.Subset(tensor(rows, ScalarType.Int64)))
            pixels = TestImages.Rgb(subset, normalization);

        var grid = new CaptionedImageGrid(CellWidth, Side + 2 * Pad + Line * (models.Count + 1) + Pad, PictureLeft: Pad, PictureTop: Pad, PictureSide: Side, CaptionLeft: 2);
        const int firstLine = Side + 2 * Pad + Line - 3;
        grid.Write(rows.Length, i =>
        {
            var row = (int)rows[i];
            var truth = models[0].Predictions.Labels[row];
            var captions = models.Select((m, k) => new CaptionedImageGrid.Caption(
                $"{m.Label}: {CaptionedImageGrid.ClassName(classNames, m.Predictions.Predicted[row], NameLength)}", firstLine + Line * (k + 1),
                m.Predictions.Predicted[row] == truth ? Right : Wrong));
            // An orange frame marks the images the models disagree on, so where they stop is visible.
            return new CaptionedImageGrid.Cell(TestImages.Picture(pixels, i, width, height),
                [new($"true: {CaptionedImageGrid.ClassName(classNames, truth, NameLength)}", firstLine, SKColors.DimGray), .. captions],
                Differ(predictions, row) ? new CaptionedImageGrid.Frame(Side + 2 * Pad, Side + 2 * Pad, Disagree) : null);
        }, path);
        return rows.Count(r => Differ(predictions, (int)r));
    }

    private static bool Differ(IReadOnlyList<TestPredictions> models, int row) => models.Any(m => m.Predicted[row] != models[0].Predicted[row]);
}
