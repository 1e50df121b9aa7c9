namespace Distill.Evaluation;

/// <summary>
/// Rows sorted by falling score and cut at each distinct score: the true and false positives counted
/// at or above each cut. Tied scores share one cut, so a curve through them is a single diagonal step
/// (scikit-learn's roc_curve and precision_recall_curve do the same).
/// </summary>
internal static class RankedCounts
{
    /// <returns>One (true positives, false positives) pair per distinct score, highest score first.</returns>
    public static IReadOnlyList<(long TruePositives, long FalsePositives)> Of(IReadOnlyList<bool> positive, IReadOnlyList<double> score)
    {
        if (positive.Count != score.Count) throw new ArgumentException("Labels and scores must describe the same rows.");
        var order = Enumerable.Range(0, score.Count).OrderByDescending(i => score[i]).ToArray();
        var cuts = new List<(long, long)>();
        long truePositives = 0, falsePositives = 0;
        for (var k = 0; k < order.Length; k++)
        {
            if (positive[order[k]]) truePositives++;
            else falsePositives++;
            if (k == order.Length - 1 || score[order[k + 1]] != score[order[k]]) cuts.Add((truePositives, falsePositives));
        }
        return cuts;
    }
}
