using System.Globalization;
using Distill.Studies;

namespace Distill.Reports;

/// <summary>
/// The study's comparison as rows of formatted cells, shared by the terminal table and the
/// Markdown summary so both always show the same numbers.
/// </summary>
public static class ComparisonTable
{
    public static IReadOnlyList<string> Headers { get; } =
    [
        "Model", "Spec", "Parameters", "Size", "Hyperparameters", "Test accuracy", "Test errors",
        "Last-epoch errors", "Best epoch", "Training time", "Latency / sample",
    ];

    public static IReadOnlyList<IReadOnlyList<string>> Rows(StudyResult result) =>
        result.Models.Select(m => (IReadOnlyList<string>)
        [
            m.Label,
            m.Spec,
            m.Parameters.ToString("N0", CultureInfo.InvariantCulture),
            FormatBytes(m.SizeBytes),
            m.Hyperparameters,
            (m.TestAccuracy * 100).ToString("F2", CultureInfo.InvariantCulture) + "%",
            m.TestErrors.ToString(CultureInfo.InvariantCulture),
            m.History.Count == 0 ? "-" : m.LastEpochTestErrors.ToString(CultureInfo.InvariantCulture),
            m.History.Count == 0 ? "-" : $"{m.BestEpoch}/{m.EpochsRun}",
            m.History.Count == 0 ? "-" : m.TrainingSeconds.ToString("F1", CultureInfo.InvariantCulture) + " s",
            m.LatencyMilliseconds.ToString("F3", CultureInfo.InvariantCulture) + " ms",
        ]).ToList();

    public static string FormatBytes(long bytes) => bytes switch
    {
        >= 1 << 20 => (bytes / 1048576.0).ToString("F2", CultureInfo.InvariantCulture) + " MiB",
        >= 1 << 10 => (bytes / 1024.0).ToString("F1", CultureInfo.InvariantCulture) + " KiB",
        _ => bytes.ToString(CultureInfo.InvariantCulture) + " B",
    };
}
