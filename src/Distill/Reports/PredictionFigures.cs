using System.Globalization;
using Distill.Evaluation;
using Distill.Runs;
using ScottPlot;

namespace Distill.Reports;

/// <summary>Figures drawn from test predictions: the confusion matrix, the reliability diagram and per-class accuracy.</summary>
public static class PredictionFigures
{
    /// <summary>
    /// Each row normalised by its true class's count, in percent: the diagonal is the per-class
    /// accuracy and the rest where that class's errors go, whatever the class sizes.
    /// </summary>
    public static void Confusion(long[][] matrix, IReadOnlyList<string>? classNames, string title, string path)
    {
        var classes = matrix.Length;
        var cells = new double[classes, classes];
        for (var r = 0; r < classes; r++)
        {
            var total = matrix[r].Sum();
            for (var c = 0; c < classes; c++) cells[r, c] = total == 0 ? double.NaN : 100.0 * matrix[r][c] / total;
        }
        var labels = Labels(classNames, classes);
        var size = Math.Clamp(320 + 44 * classes, 560, 1100);
        GridPlotter.Draw(cells, labels, labels, title, "predicted class", "true class", classes > 12 ? "0" : "0.#", path, size + 60, size,
            colorBarLabel: "% of the true class");
    }

    /// <summary>Accuracy against confidence per bin, one line per model, with the diagonal of perfect calibration.</summary>
    public static void Reliability(IEnumerable<(string Label, Calibration Calibration)> models, string path)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var diagonal = plot.Add.Line(0, 0, 1, 1);
        diagonal.LineColor = Colors.Gray;
        diagonal.LinePattern = LinePattern.Dashed;
        diagonal.LegendText = "perfect calibration";
        var index = 0;
        foreach (var (label, calibration) in models)
        {
            var bins = calibration.Bins.Where(b => b.Count > 0).ToList();
            var line = plot.Add.Scatter(bins.Select(b => b.MeanConfidence).ToArray(), bins.Select(b => b.Accuracy).ToArray());
            line.Color = palette.GetColor(index++);
            line.LineWidth = 2;
            line.MarkerSize = 7;
            line.LegendText = string.Create(CultureInfo.InvariantCulture, $"{label}: ECE {calibration.ExpectedError * 100:F2}%");
        }
        plot.Axes.SetLimits(0, 1, 0, 1.02);
        plot.Title($"Reliability diagram (test set, {Calibration.DefaultBins} confidence bins)");
        plot.XLabel("mean top-1 confidence in the bin");
        plot.YLabel("accuracy in the bin");
        plot.ShowLegend(Edge.Bottom);
        AtomicFile.WriteAllBytes(path, plot.GetImageBytes(700, 680, ImageFormat.Png));
    }

    /// <summary>Per-class test accuracy of two or three models, side by side per class.</summary>
    public static void PerClass(IReadOnlyList<(string Label, double[] Accuracy)> models, IReadOnlyList<string>? classNames, string path)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var classes = models[0].Accuracy.Length;
        var width = 0.8 / models.Count;
        var lowest = 100.0;
        for (var m = 0; m < models.Count; m++)
        {
            var bars = new List<Bar>();
            for (var c = 0; c < classes; c++)
            {
                var value = models[m].Accuracy[c] * 100;
                if (!double.IsFinite(value)) continue;
                lowest = Math.Min(lowest, value);
                bars.Add(new Bar { Position = c - 0.4 + width * (m + 0.5), Value = value, Size = width * 0.95, FillColor = palette.GetColor(m) });
            }
            var plotted = plot.Add.Bars(bars);
            plotted.LegendText = models[m].Label;
        }
        var labels = Labels(classNames, classes);
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, classes).Select(i => (double)i).ToArray(), labels.ToArray());
        if (classes > 12)
        {
            plot.Axes.Bottom.TickLabelStyle.Rotation = -45;
            plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleRight;
            plot.Axes.Bottom.MinimumSize = 90;
        }
        // Bars start near the lowest accuracy, so differences of a point or two stay visible.
        plot.Axes.SetLimits(-0.6, classes - 0.4, Math.Max(0, Math.Floor(lowest / 5) * 5 - 5), 101);
        plot.Title("Test accuracy per true class");
        plot.YLabel("accuracy (%)");
        plot.ShowLegend(Edge.Bottom);
        AtomicFile.WriteAllBytes(path, plot.GetImageBytes(Math.Clamp(300 + 70 * classes, 700, 1400), 560, ImageFormat.Png));
    }

    /// <summary>Class names for axes while they fit (up to 20 classes, cut to 10 characters); indices otherwise.</summary>
    public static IReadOnlyList<string> Labels(IReadOnlyList<string>? classNames, int classes) =>
        classNames?.Count == classes && classes <= 20
            ? classNames.Select(n => n.Length <= 10 ? n : n[..9] + "…").ToList()
            : Enumerable.Range(0, classes).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToList();
}
