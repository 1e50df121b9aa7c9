using System.Globalization;
using Distill.Runs;
using ScottPlot;

namespace Distill.Reports;

/// <summary>
/// A labelled grid of coloured cells with the value printed in each: the sweep heatmap and the
/// confusion matrix. Drawn as rectangles so every cell sits exactly on its tick label.
/// </summary>
public static class GridPlotter
{
    /// <param name="values">Row-major cells; row 0 is drawn at the top. NaN cells stay blank.</param>
    public static void Draw(
        double[,] values, IReadOnlyList<string> columns, IReadOnlyList<string> rows, string title, string xLabel, string yLabel,
        string cellFormat, string path, int width = 760, int height = 620)
    {
        var plot = new Plot();
        var colormap = new ScottPlot.Colormaps.Viridis();
        var finite = values.Cast<double>().Where(double.IsFinite).ToList();
        var (min, max) = finite.Count == 0 ? (0.0, 1.0) : (finite.Min(), finite.Max());
        for (var r = 0; r < rows.Count; r++)
        for (var c = 0; c < columns.Count; c++)
        {
            var value = values[r, c];
            if (!double.IsFinite(value)) continue;
            var y = rows.Count - 1 - r;
            var fraction = max > min ? (value - min) / (max - min) : 0.5;
            var cell = plot.Add.Rectangle(c - 0.5, c + 0.5, y - 0.5, y + 0.5);
            cell.FillColor = colormap.GetColor(fraction);
            cell.LineColor = Colors.White;
            cell.LineWidth = 1;
            var label = plot.Add.Text(value.ToString(cellFormat, CultureInfo.InvariantCulture), c, y);
            label.LabelAlignment = Alignment.MiddleCenter;
            label.LabelFontSize = columns.Count > 6 ? 11 : 16;
            label.LabelBold = true;
            // Viridis is dark at the low end: white text there, black text on the light end.
            label.LabelFontColor = fraction < 0.6 ? Colors.White : Colors.Black;
        }
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, columns.Count).Select(i => (double)i).ToArray(), columns.ToArray());
        plot.Axes.Left.SetTicks(Enumerable.Range(0, rows.Count).Select(i => (double)(rows.Count - 1 - i)).ToArray(), rows.ToArray());
        plot.Axes.SetLimits(-0.5, columns.Count - 0.5, -0.5, rows.Count - 0.5);
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        AtomicFile.WriteAllBytes(path, plot.GetImageBytes(width, height, ImageFormat.Png));
    }
}
