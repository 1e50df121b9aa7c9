using System.Globalization;
using Distill.Evaluation;
using Distill.Experiments;

namespace Distill.Reports;

/// <summary>
/// For two-class data, what a screening task is judged by: ROC and precision-recall curves with
/// their areas, and sensitivity and specificity at the models' own decision, for teacher, scratch
/// and distilled student. The second class (in the sorted order of the class names) is positive.
/// </summary>
public static class TwoClassSection
{
    public const string RocFile = "roc.png";
    public const string PrecisionRecallFile = "precision-recall.png";

    /// <param name="shown">The seed whose curves are drawn (index into the students' lists).</param>
    public static void Add(ReportDocument document, string teacherLabel, TestPredictions teacher, IReadOnlyList<TestPredictions> scratch,
        IReadOnlyList<TestPredictions> distilled, int shown, IReadOnlyList<string>? names, string folder)
    {
        if (teacher.ClassCount != 2) return;
        var positive = TwoClassMetrics.DefaultPositiveClass;
        var (positiveName, negativeName) = (names?[positive] ?? "1", names?[1 - positive] ?? "0");
        var t = TwoClassMetrics.Of(teacher, positive);
        var s = scratch.Select(p => TwoClassMetrics.Of(p, positive)).ToList();
        var d = distilled.Select(p => TwoClassMetrics.Of(p, positive)).ToList();
        (string Label, TwoClassMetrics Metrics)[] drawn = [(teacherLabel, t), ("Student (scratch)", s[shown]), ("Student (distilled)", d[shown])];
        TwoClassFigures.Roc(drawn, positiveName, Path.Combine(folder, RocFile));
        var share = (double)teacher.Labels.Count(l => l == positive) / Math.Max(1, teacher.Count);
        TwoClassFigures.PrecisionRecall(drawn, positiveName, share, Path.Combine(folder, PrecisionRecallFile));

        IReadOnlyList<string> Row(string label, IReadOnlyList<TwoClassMetrics> m) =>
        [
            label, Number(m.Select(x => x.Roc.Area)), Number(m.Select(x => x.PrecisionRecall.AveragePrecision)),
            Percent(m.Select(x => x.Sensitivity)), Percent(m.Select(x => x.Specificity)),
        ];
        document.Heading("ROC and precision-recall (two classes)")
            .Paragraph($"Positive class: {positiveName} (the second class, class names sorted); negative: {negativeName}. " +
                       $"Sensitivity is the share of {positiveName} test images a model calls {positiveName} (recall of the positive class); specificity the share of {negativeName} images it calls {negativeName}. " +
                       $"Both are at the models' own decision, the argmax, which for two classes is the threshold P({positiveName}) = 0.5. " +
                       $"The curves and their areas sweep that threshold over P({positiveName}), the softmax of the saved logits.")
            .Table(["Model", "ROC AUC", "Average precision", "Sensitivity", "Specificity"],
                [Row(teacherLabel, [t]), Row("Student (scratch)", s), Row("Student (distilled)", d)])
            .Paragraph("ROC AUC: the chance that a random positive image scores above a random negative one (0.5 is guessing, ties count half). " +
                       $"Average precision: the area under the precision-recall curve as a step function (scikit-learn's); guessing scores the positives' share, {(share * 100).ToString("F1", CultureInfo.InvariantCulture)}%." +
                       (scratch.Count > 1 ? $" Students: mean ± standard deviation over {scratch.Count} seeds; the curves show one seed." : ""))
            .Images((RocFile, $"ROC curve: true-positive rate against false-positive rate, positive class {positiveName}"),
                (PrecisionRecallFile, $"Precision against recall, positive class {positiveName}"));
    }

    private static string Number(IEnumerable<double> values) => MeanStd.Of(values).Format("F4");

    private static string Percent(IEnumerable<double> values) => MeanStd.Of(values).Format("F2", 100, "%");
}
