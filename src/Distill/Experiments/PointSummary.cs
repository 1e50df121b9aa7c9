namespace Distill.Experiments;

/// <summary>A sweep point over its seeds: the distilled student's accuracy and errors, and the scratch baseline's.</summary>
public sealed record PointSummary(
    SweepPoint Point,
    MeanStd DistilledValidationAccuracy,
    MeanStd DistilledAccuracy,
    MeanStd DistilledErrors,
    MeanStd ScratchAccuracy,
    MeanStd ScratchErrors)
{
    /// <summary>Every point of <paramref name="result"/>, in sweep order.</summary>
    public static IReadOnlyList<PointSummary> All(ExperimentResult result) =>
        result.Runs.GroupBy(r => r.Point.Id).Select(g => new PointSummary(
                g.First().Point,
                MeanStd.Of(g.Select(r => r.Distilled.History.Count == 0 ? double.NaN : r.Distilled.History.Max(h => h.ValidationAccuracy))),
                MeanStd.Of(g.Select(r => r.Distilled.TestAccuracy)),
                MeanStd.Of(g.Select(r => (double)r.Distilled.TestErrors)),
                MeanStd.Of(g.Select(r => r.Scratch.TestAccuracy)),
                MeanStd.Of(g.Select(r => (double)r.Scratch.TestErrors))))
            .ToList();

    /// <summary>
    /// The point whose distilled students have the best mean validation accuracy (the first on a tie).
    /// Chosen on validation, not test, so the reported test accuracy of the winner stays an honest estimate.
    /// </summary>
    public static PointSummary Best(ExperimentResult result) =>
        All(result).Aggregate((best, next) => next.DistilledValidationAccuracy.Mean > best.DistilledValidationAccuracy.Mean ? next : best);
}
