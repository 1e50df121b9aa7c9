using System.Globalization;
using Distill.Evaluation;
using Distill.Experiments;

namespace Distill.Reports;

/// <summary>
/// The paired comparisons of an experiment with two seeds or more, as table rows: each point's
/// distilled student against its scratch twin and, where the sweep varies the method, each method's
/// distilled student against kd's at the same other settings, seed by seed (<see cref="PairedDifference"/>).
/// Shared by the terminal, the Markdown summary and the HTML report.
/// </summary>
public static class PairedComparisons
{
    public static IReadOnlyList<string> Headers { get; } =
        ["Comparison", "Seeds", "Accuracy difference (pp), mean [95% interval]", "Errors difference, mean [95% interval]", "Seeds won"];

    /// <summary>The rows; empty with fewer than two seeds, where no interval exists.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> Rows(ExperimentResult result)
    {
        var rows = new List<IReadOnlyList<string>>();
        var points = result.Runs.GroupBy(r => r.Point.Id).Select(g => g.First().Point).ToList();
        foreach (var point in points)
        {
            var runs = result.Runs.Where(r => r.Point.Id == point.Id).ToList();
            var name = result.IsSweep ? $"{point.Id} ({point.Label}): distilled − scratch" : "Distilled − scratch";
            if (Row(name, runs.Select(r => (r.Distilled, r.Scratch)).ToList()) is { } row) rows.Add(row);
        }
        if (MethodKey(result) is not { } key) return rows;
        foreach (var point in points.Where(p => Method(p, key) != "kd"))
        {
            var kd = points.FirstOrDefault(p => Method(p, key) == "kd" && SameOtherSettings(p, point, key));
            if (kd is null) continue;
            var pairs = result.Runs.Where(r => r.Point.Id == point.Id)
                .Join(result.Runs.Where(r => r.Point.Id == kd.Id), r => r.Seed, r => r.Seed, (m, k) => (m.Distilled, k.Distilled))
                .ToList();
            if (Row($"{point.Id} ({point.Label}) − {kd.Id} (kd)", pairs) is { } row) rows.Add(row);
        }
        return rows;
    }

    /// <summary>The distilled − scratch difference of <paramref name="point"/>'s seeds; null with fewer than two.</summary>
    public static PairedDifference? DistilledOverScratch(ExperimentResult result, SweepPoint point) =>
        PairedDifference.Of(result.Runs.Where(r => r.Point.Id == point.Id).Select(r => (r.Distilled.TestAccuracy, r.Scratch.TestAccuracy)));

    private static IReadOnlyList<string>? Row(string name, IReadOnlyList<(Studies.ModelOutcome First, Studies.ModelOutcome Second)> pairs)
    {
        var accuracy = PairedDifference.Of(pairs.Select(p => (p.First.TestAccuracy, p.Second.TestAccuracy)));
        var errors = PairedDifference.Of(pairs.Select(p => ((double)p.First.TestErrors, (double)p.Second.TestErrors)), higherIsBetter: false);
        if (accuracy is null || errors is null) return null;
        return [name, accuracy.Count.ToString(CultureInfo.InvariantCulture), accuracy.FormatInterval("F2", 100), errors.FormatInterval("0.#"), accuracy.FormatWins()];
    }

    private static string? MethodKey(ExperimentResult result) =>
        ExperimentTables.SettingKeys(result).FirstOrDefault(k => ExperimentTables.Short(k) == "method");

    private static string? Method(SweepPoint point, string key) => point.Value(key)?.Trim('"');

    private static bool SameOtherSettings(SweepPoint a, SweepPoint b, string key) =>
        a.Settings.Where(s => s.Key != key).OrderBy(s => s.Key, StringComparer.Ordinal)
            .SequenceEqual(b.Settings.Where(s => s.Key != key).OrderBy(s => s.Key, StringComparer.Ordinal));
}
