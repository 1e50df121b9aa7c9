using System.Globalization;
using Distill.Experiments;
using Distill.Studies;

namespace Distill.Reports;

/// <summary>
/// A run's tables as rows of formatted cells, mean ± standard deviation over seeds: the one table
/// builder, shared by the terminal, the Markdown summary and the HTML report so all show the same numbers.
/// </summary>
public static class ExperimentTables
{
    public static IReadOnlyList<string> ComparisonHeaders { get; } =
    [
        "Model", "Spec", "Parameters", "Size", "Hyperparameters", "Seeds", "Test accuracy", "Test errors",
        "Last-epoch errors", "Best epoch", "Training time", "Latency / sample",
    ];

    /// <summary>
    /// Teacher (after an ensemble's members), the models outside any pair (train's, distill's student),
    /// then the scratch and distilled students of <paramref name="point"/> (the best of a sweep; null for
    /// a run that compares nothing) and a chain's assistants and its student, each over all seeds.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<string>> Comparison(ExperimentResult result, SweepPoint? point)
    {
        var runs = point is null ? [] : result.Runs.Where(r => r.Point.Id == point.Id).ToList();
        return
        [
            .. result.Members.Select(m => Row(m.Label, [m])),
            .. result.Teacher is { } teacher ? [Row(teacher.Label, [teacher])] : Array.Empty<IReadOnlyList<string>>(),
            .. result.Unpaired.Select(m => Row(m.Label, [m])),
            .. runs.Count == 0 ? [] : new[] { Row("Student (scratch)", runs.Select(r => r.Scratch).ToList()), Row("Student (distilled)", runs.Select(r => r.Distilled).ToList()) },
            .. runs.SelectMany(r => r.Others).GroupBy(o => o.Label).Select(g => Row(g.Key, g.ToList())),
        ];
    }

    public static IReadOnlyList<string> SweepHeaders(ExperimentResult result) =>
        ["Point", .. SettingKeys(result).Select(Short), "Validation accuracy", "Test accuracy", "Test errors", "Errors saved vs scratch", "Best"];

    public static IReadOnlyList<IReadOnlyList<string>> Sweep(ExperimentResult result)
    {
        var best = PointSummary.Best(result).Point.Id;
        var keys = SettingKeys(result);
        return PointSummary.All(result).Select(p => (IReadOnlyList<string>)
        [
            p.Point.Id,
            .. keys.Select(k => p.Point.Value(k)?.Trim('"') ?? "-"),
            p.DistilledValidationAccuracy.Format("F2", 100, "%"),
            p.DistilledAccuracy.Format("F2", 100, "%"),
            p.DistilledErrors.Format("0.#"),
            ErrorsSaved(result, p.Point).Format("0.#"),
            p.Point.Id == best ? "best" : "",
        ]).ToList();
    }

    /// <summary>Test errors the distilled student saves over its scratch twin, per seed (positive is better).</summary>
    public static MeanStd ErrorsSaved(ExperimentResult result, SweepPoint point) =>
        MeanStd.Of(result.Runs.Where(r => r.Point.Id == point.Id).Select(r => (double)(r.Scratch.TestErrors - r.Distilled.TestErrors)));

    /// <summary>The keys a sweep sets, in order (the sweep's own plus any it derives, like the complementary hard weight).</summary>
    public static IReadOnlyList<string> SettingKeys(ExperimentResult result) =>
        result.Runs.SelectMany(r => r.Point.Settings.Select(s => s.Key)).Distinct().ToList();

    public static string Short(string key) => key[(key.LastIndexOf('.') + 1)..];

    private static IReadOnlyList<string> Row(string label, IReadOnlyList<ModelOutcome> outcomes)
    {
        var first = outcomes[0];
        var trained = first.History.Count > 0;
        return
        [
            label,
            first.Spec,
            first.Parameters.ToString("N0", CultureInfo.InvariantCulture),
            FormatBytes(first.SizeBytes),
            first.Hyperparameters,
            outcomes.Count.ToString(CultureInfo.InvariantCulture),
            MeanStd.Of(outcomes.Select(o => o.TestAccuracy)).Format("F2", 100, "%"),
            MeanStd.Of(outcomes.Select(o => (double)o.TestErrors)).Format("0.#"),
            trained ? MeanStd.Of(outcomes.Select(o => (double)o.LastEpochTestErrors)).Format("0.#") : "-",
            trained ? MeanStd.Of(outcomes.Select(o => (double)o.BestEpoch)).Format("0.#") + "/" + first.EpochsRun : "-",
            trained ? MeanStd.Of(outcomes.Select(o => o.TrainingSeconds)).Format("F1", unit: " s") : "-",
            MeanStd.Of(outcomes.Select(o => o.LatencyMilliseconds)).Format("F3", unit: " ms"),
        ];
    }

    public static string FormatBytes(long bytes) => bytes switch
    {
        >= 1 << 20 => (bytes / 1048576.0).ToString("F2", CultureInfo.InvariantCulture) + " MiB",
        >= 1 << 10 => (bytes / 1024.0).ToString("F1", CultureInfo.InvariantCulture) + " KiB",
        _ => bytes.ToString(CultureInfo.InvariantCulture) + " B",
    };
}
