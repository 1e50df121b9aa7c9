using System.Globalization;
using Distill.Runs;
using ScottPlot;

namespace Distill.Reports;

/// <summary>
/// A labelled grid of coloured cells with the value printed in each, and a colour bar: the sweep
/// heatmap and the confusion matrix. Drawn as rectangles so every cell sits exactly on its tick label.
/// </summary>
public static class GridPlotter
{
    /// <param name="values">Row-major cells; row 0 is drawn at the top. NaN cells stay blank.</param>
    /// <param name="scaleMarks">Values marked and named on the colour bar (the scratch baseline); the colour range widens to hold them.</param>
    /// <param name="highlight">A cell outlined in red (the point chosen on validation), with its note.</param>
    public static void Draw(
        double[,] values, IReadOnlyList<string> columns, IReadOnlyList<string> rows, string title, string xLabel, string yLabel,
        string cellFormat, string path, int width = 760, int height = 620, string colorBarLabel = "",
        IReadOnlyList<(double Value, string Label)>? scaleMarks = null, (int Row, int Column, string Note)? highlight = null)
    {
        var plot = new Plot();
        var colormap = new ScottPlot.Colormaps.Viridis();
        var finite = values.Cast<double>().Where(double.IsFinite).Concat(scaleMarks?.Select(m => m.Value) ?? []).ToList();
        var (min, max) = finite.Count == 0 ? (0.0, 1.0) : (finite.Min(), finite.Max());
        if (max <= min) (min, max) = (min - 0.5, max + 0.5);
        for (var r = 0; r < rows.Count; r++)
        for (var c = 0; c < columns.Count; c++)
        {
            var value = values[r, c];
            if (!double.IsFinite(value)) continue;
            var y = rows.Count - 1 - r;
            var fraction = (value - min) / (max - min);
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
        if (highlight is { } h)
        {
            var y = rows.Count - 1 - h.Row;
            var outline = plot.Add.Rectangle(h.Column - 0.47, h.Column + 0.47, y - 0.47, y + 0.47);
            outline.FillColor = Colors.Transparent;
            outline.LineColor = Colors.Red;
            outline.LineWidth = 4;
            var note = plot.Add.Text(h.Note, h.Column, y - 0.3);
            note.LabelAlignment = Alignment.MiddleCenter;
            note.LabelFontSize = 11;
            note.LabelBold = true;
            note.LabelFontColor = Colors.Red;
            note.LabelBackgroundColor = Colors.White.WithAlpha(0.85);
        }
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, columns.Count).Select(i => (double)i).ToArray(), columns.ToArray());
        plot.Axes.Left.SetTicks(Enumerable.Range(0, rows.Count).Select(i => (double)(rows.Count - 1 - i)).ToArray(), rows.ToArray());
        plot.Axes.SetLimits(-0.5, columns.Count - 0.5, -0.5, rows.Count - 0.5);
        AddColorBar(plot, colormap, min, max, colorBarLabel, scaleMarks);
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        AtomicFile.WriteAllBytes(path, plot.GetImageBytes(width, height, ImageFormat.Png));
    }

    private static void AddColorBar(Plot plot, IColormap colormap, double min, double max, string label, IReadOnlyList<(double Value, string Label)>? marks)
    {
        var bar = plot.Add.ColorBar(new ColorScale(colormap, min, max), Edge.Right);
        bar.Label = label;
        if (marks is not { Count: > 0 }) return;
        // Automatic ticks plus each mark, named; ticks too close to a mark give way to it.
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        var span = max - min;
        var step = NiceStep(span / 5);
        for (var v = Math.Ceiling(min / step) * step; v <= max + 1e-9; v += step)
            if (marks.All(m => Math.Abs(m.Value - v) > span / 12))
                ticks.AddMajor(v, v.ToString(step < 1 ? "0.0#" : "0", CultureInfo.InvariantCulture));
        foreach (var (value, name) in marks) ticks.AddMajor(value, $"{name} {value.ToString("0.##", CultureInfo.InvariantCulture)} ◀");
        bar.Axis.TickGenerator = ticks;
    }

    private static double NiceStep(double raw)
    {
        if (!(raw > 0)) return 1;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var fraction = raw / magnitude;
        return (fraction < 1.5 ? 1 : fraction < 3.5 ? 2 : fraction < 7.5 ? 5 : 10) * magnitude;
    }

    private sealed class ColorScale(IColormap colormap, double min, double max) : IHasColorAxis
    {
        public IColormap Colormap { get; } = colormap;

        public ScottPlot.Range GetRange() => new(min, max);
    }
}
