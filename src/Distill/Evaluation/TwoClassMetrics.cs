namespace Distill.Evaluation;

/// <summary>
/// What a two-class task is judged by, for one model: ROC and precision-recall curves of the
/// positive class's softmax probability, and sensitivity (recall of the positive class) and
/// specificity (recall of the negative class) at the model's own decision, its argmax, which for
/// two classes is the threshold P(positive) = 0.5.
/// </summary>
public sealed record TwoClassMetrics(RocCurve Roc, PrecisionRecallCurve PrecisionRecall, double Sensitivity, double Specificity)
{
    /// <summary>The second class (index 1) is positive unless told otherwise: with class names sorted, e.g. PNEUMONIA after NORMAL.</summary>
    public const int DefaultPositiveClass = 1;

    public static TwoClassMetrics Of(TestPredictions predictions, int positiveClass = DefaultPositiveClass)
    {
        if (predictions.ClassCount != 2) throw new DistillException($"ROC and sensitivity need two classes; these predictions have {predictions.ClassCount}.");
        var positive = predictions.Labels.Select(l => l == positiveClass).ToArray();
        var score = Enumerable.Range(0, predictions.Count).Select(r => predictions.Probabilities(r)[positiveClass]).ToArray();
        long truePositives = 0, positives = 0, trueNegatives = 0, negatives = 0;
        for (var r = 0; r < predictions.Count; r++)
        {
            var saidPositive = predictions.Predicted[r] == positiveClass;
            if (positive[r]) { positives++; if (saidPositive) truePositives++; }
            else { negatives++; if (!saidPositive) trueNegatives++; }
        }
        return new TwoClassMetrics(RocCurve.Of(positive, score), PrecisionRecallCurve.Of(positive, score),
            positives == 0 ? double.NaN : (double)truePositives / positives, negatives == 0 ? double.NaN : (double)trueNegatives / negatives);
    }
}
