namespace Distill.Evaluation;

/// <summary>
/// Per-class precision, recall and F1 and their unweighted (macro) means, as scikit-learn's
/// precision_recall_fscore_support with zero_division=0: a ratio with nothing to count (a class never
/// predicted, or absent from the test set) is 0, so every class weighs the same in the macro mean.
/// Macro F1 is the mean of the per-class F1 scores, not the F1 of the macro precision and recall.
/// </summary>
public sealed class ClassificationMetrics
{
    private ClassificationMetrics(IReadOnlyList<ClassScores> perClass)
    {
        PerClass = perClass;
        Macro = new ClassScores(perClass.Average(c => c.Precision), perClass.Average(c => c.Recall), perClass.Average(c => c.F1), perClass.Sum(c => c.Support));
    }

    public IReadOnlyList<ClassScores> PerClass { get; }

    /// <summary>Unweighted means over the classes; its support is the number of test rows.</summary>
    public ClassScores Macro { get; }

    public static ClassificationMetrics Of(TestPredictions predictions) => Of(predictions.Labels, predictions.Predicted, predictions.ClassCount);

    public static ClassificationMetrics Of(IReadOnlyList<int> labels, IReadOnlyList<int> predicted, int classCount)
    {
        if (labels.Count != predicted.Count) throw new ArgumentException("Labels and predictions must describe the same rows.");
        var truePositives = new long[classCount];
        var predictedCount = new long[classCount];
        var support = new long[classCount];
        for (var i = 0; i < labels.Count; i++)
        {
            support[labels[i]]++;
            predictedCount[predicted[i]]++;
            if (labels[i] == predicted[i]) truePositives[labels[i]]++;
        }
        return new ClassificationMetrics([.. Enumerable.Range(0, classCount).Select(c =>
        {
            var precision = Ratio(truePositives[c], predictedCount[c]);
            var recall = Ratio(truePositives[c], support[c]);
            return new ClassScores(precision, recall, precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0, support[c]);
        })]);
    }

    private static double Ratio(long count, long total) => total == 0 ? 0 : (double)count / total;
}
