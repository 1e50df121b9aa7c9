using System.Globalization;
using Distill.Deployment;
using Distill.Runs;
using ScottPlot;

namespace Distill.Reports;

/// <summary>
/// Test accuracy of every deployed variant (teacher, student, pruned, slim, int8, under each runtime)
/// against its latency and against its file size. Both axes of cost are logarithmic: the teacher and
/// an int8 student differ by orders of magnitude, and a linear axis would crush the small ones together.
/// </summary>
public static class DeployFigures
{
    public const string LatencyFile = "deploy-latency.png";
    public const string SizeFile = "deploy-size.png";
    private const int Width = 760;
    private const int Height = 560;

    /// <summary>Accuracy against the median latency at the smallest batch size timed (one sample, by default).</summary>
    public static void Latency(EdgeReport report, string path)
    {
        var batch = report.Rows.SelectMany(r => r.Latency.Select(l => l.BatchSize)).DefaultIfEmpty(1).Min();
        Draw(report, r => r.Latency.FirstOrDefault(l => l.BatchSize == batch)?.MedianMilliseconds,
            $"Accuracy against latency (batch {batch}, median)", $"median latency per batch of {batch} (ms, log scale)", path);
    }

    public static void Size(EdgeReport report, string path) =>
        Draw(report, r => r.SizeBytes / 1024.0, "Accuracy against model file size", "file size (KiB, log scale)", path);

    private static void Draw(EdgeReport report, Func<EdgeRow, double?> cost, string title, string xLabel, string path)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var models = report.Rows.Select(r => r.Model).Distinct().ToList();
        foreach (var row in report.Rows)
        {
            if (cost(row) is not { } value || value <= 0) continue;
            var point = plot.Add.Scatter(new[] { Math.Log10(value) }, new[] { row.TestAccuracy * 100 });
            point.Color = palette.GetColor(models.IndexOf(row.Model));
            point.MarkerSize = 11;
            // Runtimes differ by the marker's shape, models by its colour.
            point.MarkerShape = row.Runtime == "ONNX Runtime" ? MarkerShape.FilledSquare : MarkerShape.FilledCircle;
            point.LegendText = $"{row.Model} ({row.Runtime})";
        }
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            LabelFormatter = v => Math.Pow(10, v).ToString("G3", CultureInfo.InvariantCulture),
        };
        plot.Axes.Margins(0.12, 0.15);
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel("test accuracy (%)");
        plot.ShowLegend(Edge.Bottom);
        AtomicFile.WriteAllBytes(path, plot.GetImageBytes(Width, Height, ImageFormat.Png));
    }
}
