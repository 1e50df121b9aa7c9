using System.Globalization;
using Distill.Experiments;

namespace Distill.Reports;

/// <summary>
/// The sweep as a grid: temperature across, soft-target weight down when the sweep has them (else
/// its first two keys), each cell the distilled student's mean test accuracy; the colour bar marks
/// the scratch student's accuracy, and the point chosen on validation is outlined.
/// </summary>
public static class SweepHeatmap
{
    public const string FileName = "heatmap.png";

    public static void Draw(ExperimentResult result, string path)
    {
        var keys = ExperimentTables.SettingKeys(result).Where(k => k != SweepPlanner.HardWeightKey || result.SweepKeys.Contains(k)).ToList();
        var x = keys.Contains("distillation.temperature") ? "distillation.temperature" : keys[0];
        var y = keys.Contains(SweepPlanner.SoftWeightKey) && x != SweepPlanner.SoftWeightKey ? SweepPlanner.SoftWeightKey : keys.FirstOrDefault(k => k != x);
        var points = PointSummary.All(result);
        var columns = Values(points, x);
        var rows = y is null ? ["-"] : Values(points, y);
        var cells = new double[rows.Count, columns.Count];
        for (var r = 0; r < rows.Count; r++)
        for (var c = 0; c < columns.Count; c++)
        {
            var matching = points.Where(p => Text(p, x) == columns[c] && (y is null || Text(p, y) == rows[r])).ToList();
            // Other swept keys collapse onto the best point of the cell.
            cells[r, c] = matching.Count == 0 ? double.NaN : matching.Max(p => p.DistilledAccuracy.Mean * 100);
        }
        var others = keys.Count(k => k != x && k != y);
        var title = $"Distilled student: mean test accuracy (%) over {result.Seeds.Count} seed(s)" + (others > 0 ? ", best over other keys" : "");
        var best = PointSummary.Best(result);
        var bestCell = (y is null ? 0 : IndexOf(rows, Text(best, y)), IndexOf(columns, Text(best, x)), $"{best.Point.Id}: best on validation");
        GridPlotter.Draw(cells, columns, rows, title, x, y ?? "", "F2", path, 860, 620, "test accuracy (%)",
            [(best.ScratchAccuracy.Mean * 100, "scratch")], bestCell);
    }

    private static int IndexOf(IReadOnlyList<string> values, string value)
    {
        for (var i = 0; i < values.Count; i++)
            if (values[i] == value) return i;
        return 0;
    }

    private static string Text(PointSummary point, string key) => point.Point.Value(key)?.Trim('"') ?? "-";

    // Numbers in numeric order, anything else in order of appearance.
    private static IReadOnlyList<string> Values(IEnumerable<PointSummary> points, string key)
    {
        var values = points.Select(p => Text(p, key)).Distinct().ToList();
        return values.All(v => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            ? values.OrderBy(v => double.Parse(v, CultureInfo.InvariantCulture)).ToList()
            : values;
    }
}
