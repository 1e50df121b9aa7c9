using System.Globalization;
using Distill.Evaluation;
using Distill.Runs;
using ScottPlot;

namespace Distill.Reports;

/// <summary>ROC and precision-recall curves of two-class models, one line per model, legend beside the axes.</summary>
public static class TwoClassFigures
{
    private const int Width = 760;
    private const int Height = 520;

    public static void Roc(IReadOnlyList<(string Label, TwoClassMetrics Metrics)> models, string positiveClass, string path)
    {
        var plot = new Plot();
        var chance = plot.Add.Line(0, 0, 1, 1);
        chance.LineColor = Colors.Gray;
        chance.LinePattern = LinePattern.Dashed;
        chance.LegendText = "chance (AUC 0.5)";
        Lines(plot, models.Select(m => (string.Create(CultureInfo.InvariantCulture, $"{m.Label}: AUC {m.Metrics.Roc.Area:F3}"),
            m.Metrics.Roc.FalsePositiveRate, m.Metrics.Roc.TruePositiveRate)));
        Finish(plot, $"ROC, positive class {positiveClass} (test set)", "false-positive rate (1 − specificity)", "true-positive rate (sensitivity)", path);
    }

    /// <param name="positiveShare">The positives' share of the test set: the precision of a guess, drawn as a line.</param>
    public static void PrecisionRecall(IReadOnlyList<(string Label, TwoClassMetrics Metrics)> models, string positiveClass, double positiveShare, string path)
    {
        var plot = new Plot();
        var chance = plot.Add.HorizontalLine(positiveShare);
        chance.LineColor = Colors.Gray;
        chance.LinePattern = LinePattern.Dashed;
        chance.LegendText = string.Create(CultureInfo.InvariantCulture, $"chance (AP {positiveShare:F3})");
        // Recall 0 is the curve's start at full precision, as scikit-learn draws it.
        Lines(plot, models.Select(m => (string.Create(CultureInfo.InvariantCulture, $"{m.Label}: AP {m.Metrics.PrecisionRecall.AveragePrecision:F3}"),
            (double[])[0, .. m.Metrics.PrecisionRecall.Recall], (double[])[1, .. m.Metrics.PrecisionRecall.Precision])));
        Finish(plot, $"Precision-recall, positive class {positiveClass} (test set)", "recall (sensitivity)", "precision", path);
    }

    private static void Lines(Plot plot, IEnumerable<(string Legend, double[] X, double[] Y)> lines)
    {
        var palette = new ScottPlot.Palettes.Category10();
        var index = 0;
        foreach (var (legend, x, y) in lines)
        {
            if (x.Length < 2) continue;
            var line = plot.Add.Scatter(x, y);
            line.Color = palette.GetColor(index++);
            line.LineWidth = 2;
            line.MarkerSize = 0;
            line.LegendText = legend;
        }
    }

    private static void Finish(Plot plot, string title, string xLabel, string yLabel, string path)
    {
        plot.Axes.SetLimits(-0.01, 1.01, -0.01, 1.02);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericFixedInterval(0.1);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericFixedInterval(0.1);
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        plot.ShowLegend(Edge.Bottom);
        AtomicFile.WriteAllBytes(path, plot.GetImageBytes(Width, Height, ImageFormat.Png));
    }
}
