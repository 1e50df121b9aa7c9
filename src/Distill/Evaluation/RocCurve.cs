namespace Distill.Evaluation;

/// <summary>
/// The receiver operating characteristic of a score for one positive class: the true-positive rate
/// against the false-positive rate as the threshold falls through every distinct score, from (0, 0)
/// to (1, 1), and the area under it by the trapezoidal rule (scikit-learn's roc_auc_score; a tie
/// between a positive and a negative counts one half).
/// </summary>
public sealed record RocCurve(double[] FalsePositiveRate, double[] TruePositiveRate, double Area)
{
    /// <summary>NaN area (and an empty curve) when the rows hold only one of the two classes.</summary>
    public static RocCurve Of(IReadOnlyList<bool> positive, IReadOnlyList<double> score)
    {
        var cuts = RankedCounts.Of(positive, score);
        var (positives, negatives) = cuts.Count == 0 ? (0L, 0L) : cuts[^1];
        if (positives == 0 || negatives == 0) return new RocCurve([], [], double.NaN);
        double[] x = [0, .. cuts.Select(c => (double)c.FalsePositives / negatives)];
        double[] y = [0, .. cuts.Select(c => (double)c.TruePositives / positives)];
        double area = 0;
        for (var i = 1; i < x.Length; i++) area += (x[i] - x[i - 1]) * (y[i] + y[i - 1]) / 2;
        return new RocCurve(x, y, area);
    }
}
