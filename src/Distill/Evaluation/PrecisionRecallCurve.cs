namespace Distill.Evaluation;

/// <summary>
/// Precision against recall for one positive class as the threshold falls through every distinct
/// score, and the average precision: the sum over cuts of (R_k − R_{k−1}) · P_k, a step function
/// with no interpolation (scikit-learn's average_precision_score; Zhu 2004). Unlike ROC AUC it
/// depends on how rare the positive class is: a random score gets the positives' share.
/// </summary>
public sealed record PrecisionRecallCurve(double[] Recall, double[] Precision, double AveragePrecision)
{
    /// <summary>NaN average precision (and an empty curve) when the rows hold no positive.</summary>
    public static PrecisionRecallCurve Of(IReadOnlyList<bool> positive, IReadOnlyList<double> score)
    {
        var cuts = RankedCounts.Of(positive, score);
        var positives = cuts.Count == 0 ? 0 : cuts[^1].TruePositives;
        if (positives == 0) return new PrecisionRecallCurve([], [], double.NaN);
        var recall = cuts.Select(c => (double)c.TruePositives / positives).ToArray();
        var precision = cuts.Select(c => (double)c.TruePositives / (c.TruePositives + c.FalsePositives)).ToArray();
        double average = 0, previous = 0;
        for (var k = 0; k < recall.Length; k++)
        {
            average += (recall[k] - previous) * precision[k];
            previous = recall[k];
        }
        return new PrecisionRecallCurve(recall, precision, average);
    }
}
