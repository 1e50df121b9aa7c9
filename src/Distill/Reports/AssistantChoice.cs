using System.Globalization;
using Distill.Experiments;
using Distill.Studies;

namespace Distill.Reports;

/// <summary>
/// The assistant a chain should use, chosen among the candidates of a run on the validation split
/// alone: the candidate whose student has the highest validation accuracy at its best epoch (mean
/// over seeds). Test numbers are shown beside the choice, never used for it.
/// </summary>
public static class AssistantChoice
{
    public sealed record Candidate(string Assistant, MeanStd StudentValidationAccuracy, MeanStd StudentTestAccuracy);

    /// <summary>Every candidate with its students' numbers, best first on validation; empty without candidates.</summary>
    public static IReadOnlyList<Candidate> Rank(ExperimentResult result) =>
        result.Runs.SelectMany(r => r.Others)
            .Where(o => o.Role == ModelRole.Distilled && o.DistilledFrom is { } from && from.StartsWith(TeacherPlan.CandidateTitle + " ", StringComparison.Ordinal))
            .GroupBy(o => o.DistilledFrom!)
            .Select(g => new Candidate(
                g.Key[(TeacherPlan.CandidateTitle.Length + 1)..],
                MeanStd.Of(g.Select(o => o.History[o.BestEpoch - 1].ValidationAccuracy)),
                MeanStd.Of(g.Select(o => o.TestAccuracy))))
            .OrderByDescending(c => c.StudentValidationAccuracy.Mean)
            .ToList();

    /// <summary>One paragraph naming the choice and the others' numbers; null without candidates.</summary>
    public static string? Describe(ExperimentResult result)
    {
        var ranked = Rank(result);
        if (ranked.Count == 0) return null;
        string Numbers(Candidate c) => string.Create(CultureInfo.InvariantCulture,
            $"{c.Assistant}: student validation {c.StudentValidationAccuracy.Format("F2", 100, "%")}, test {c.StudentTestAccuracy.Format("F2", 100, "%")}");
        return $"Assistant chosen on the validation split: {ranked[0].Assistant}. Candidates, best first: {string.Join("; ", ranked.Select(Numbers))}.";
    }
}
