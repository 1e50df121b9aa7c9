using System.Globalization;
using Distill.Evaluation;

namespace Distill.Reports;

/// <summary>
/// The report's precision, recall and F1 per class and their macro averages, for teacher, scratch
/// and distilled student, from their test predictions (students averaged over seeds).
/// </summary>
public static class ClassMetricsSection
{
    public static void Add(ReportDocument document, TestPredictions teacher, IReadOnlyList<TestPredictions> scratch, IReadOnlyList<TestPredictions> distilled,
        IReadOnlyList<string>? names)
    {
        IReadOnlyList<ClassScores>[] models =
        [
            Rows(ClassificationMetrics.Of(teacher)),
            Mean([.. scratch.Select(p => Rows(ClassificationMetrics.Of(p)))]),
            Mean([.. distilled.Select(p => Rows(ClassificationMetrics.Of(p)))]),
        ];
        var classes = teacher.ClassCount;
        var rows = Enumerable.Range(0, classes + 1).Select(c => (IReadOnlyList<string>)
        [
            c == classes ? "Macro average" : names?[c] ?? c.ToString(CultureInfo.InvariantCulture),
            .. models.SelectMany(m => new[] { Cell(m[c].Precision), Cell(m[c].Recall), Cell(m[c].F1) }),
            models[0][c].Support.ToString("N0", CultureInfo.InvariantCulture),
        ]);
        document.Heading("Precision, recall and F1")
            .Table(["Class", .. new[] { "Teacher", "Scratch", "Distilled" }.SelectMany(m => new[] { $"{m} precision", $"{m} recall", $"{m} F1" }), "Test images"], rows)
            .Paragraph("Per true class: precision is the share of the images a model calls that class that are that class; recall the share of that class's images it finds; " +
                       "F1 their harmonic mean. Macro average: the unweighted mean over classes (macro F1 is the mean of the per-class F1), so a rare class counts as much as a common one. " +
                       "A ratio with nothing to count (a class never predicted) is 0, as in scikit-learn." +
                       (scratch.Count > 1 ? $" Students averaged over {scratch.Count} seeds." : ""));
    }

    /// <summary>The per-class scores with the macro average as one more row.</summary>
    private static IReadOnlyList<ClassScores> Rows(ClassificationMetrics metrics) => [.. metrics.PerClass, metrics.Macro];

    private static IReadOnlyList<ClassScores> Mean(IReadOnlyList<IReadOnlyList<ClassScores>> seeds) =>
        [.. Enumerable.Range(0, seeds[0].Count).Select(c => new ClassScores(
            seeds.Average(s => s[c].Precision), seeds.Average(s => s[c].Recall), seeds.Average(s => s[c].F1), seeds[0][c].Support))];

    private static string Cell(double value) => (value * 100).ToString("F2", CultureInfo.InvariantCulture) + "%";
}
