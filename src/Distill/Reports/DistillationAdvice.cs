using System.Globalization;
using Distill.Runs;
using Distill.Studies;

namespace Distill.Reports;

/// <summary>
/// One measured suggestion for a run where the distilled student did not beat (or only tied) its
/// scratch twin, built from the run's own numbers: a teacher hardly better than the student has
/// little to teach; an untuned run has not tried other temperatures and weights; a tuned run names
/// the knob whose values moved validation accuracy most in the tuner's trials (tune.json).
/// </summary>
public static class DistillationAdvice
{
    /// <summary>
    /// A teacher less than this many accuracy points above the scratch student: its soft targets
    /// carry little the labels do not, whatever the temperature (Hinton et al. distil from a
    /// teacher far ahead of the student; Cho and Hariharan 2019 on the gap's other end).
    /// </summary>
    public const double WeakTeacherPoints = 1.0;

    /// <summary>The suggestion for a lost or tied comparison, or null when distillation won.</summary>
    /// <param name="tune">The tuner's result for the distilled student (its tune.json), or null when the run was not tuned.</param>
    public static string? For(ModelOutcome teacher, ModelOutcome scratch, ModelOutcome distilled, TuneResult? tune)
    {
        if (distilled.TestErrors < scratch.TestErrors) return null;
        var gap = (teacher.TestAccuracy - scratch.TestAccuracy) * 100;
        if (gap < WeakTeacherPoints)
            return Invariant($"The teacher is only {gap:0.00} points more accurate than the scratch student ({teacher.TestAccuracy * 100:0.00}% against {scratch.TestAccuracy * 100:0.00}%): a stronger teacher (more --teacher-epochs, a larger --teacher-spec) gives the student more to learn.");
        if (tune is null || tune.Trials.Count == 0)
            return "Try --tune: it chooses kd's temperature and soft weight on the validation split (every trial goes to tune.json).";
        return Tuned(tune);
    }

    /// <summary>
    /// The suggestion for an experiment whose distilled students saved no errors on average at its best
    /// point, from that point's first seed; <paramref name="folder"/> is the run folder its paths are relative to.
    /// </summary>
    public static string? For(Experiments.ExperimentResult result, string folder)
    {
        if (!result.IsComparison) return null;
        var best = Experiments.PointSummary.Best(result);
        if (ExperimentTables.ErrorsSaved(result, best.Point).Mean > 0) return null;
        var shown = result.Runs.First(r => r.Point.Id == best.Point.Id);
        return For(result.ComparedTeacher, shown.Scratch, shown.Distilled, TuneOf(shown.Distilled, folder));
    }

    /// <summary>The tune.json beside <paramref name="distilled"/>'s weights, or null when it was not tuned.</summary>
    public static TuneResult? TuneOf(ModelOutcome distilled, string runFolder)
    {
        var folder = Path.GetDirectoryName(RunPaths.Resolve(distilled.WeightsPath, runFolder));
        var path = folder is null ? null : Path.Combine(folder, TuneResult.FileName);
        return path is not null && File.Exists(path) ? Json.Read<TuneResult>(path, "tuning result") : null;
    }

    /// <summary>
    /// The knob whose values moved validation accuracy most in the first round, where every candidate
    /// trained equally long (later rounds keep only winners, so their spreads are not comparable).
    /// </summary>
    private static string Tuned(TuneResult tune)
    {
        var firstRound = tune.Trials.Where(t => t.Round == tune.Trials.Min(r => r.Round)).ToList();
        var temperature = Effect(firstRound, t => t.Temperature);
        var softWeight = Effect(firstRound, t => t.SoftTargetWeight);
        var (name, flag, effect, other, otherName) = temperature.Spread >= softWeight.Spread
            ? ("temperature", "--temperature", temperature, softWeight, "soft weight")
            : ("soft weight", "--soft-weight", softWeight, temperature, "temperature");
        var moved = Invariant($"--tune's trials moved validation accuracy most through the {name} ({effect.Spread:0.00} points between {effect.Worst:g} and {effect.Best:g}; the {otherName} moved it {other.Spread:0.00})");
        if (effect.Values.Count < 2) return moved + ".";
        if (effect.Best != effect.Values[0] && effect.Best != effect.Values[^1])
            return Invariant($"{moved}: its best, {effect.Best:g}, lies inside the range tried, so the {name} is already near its best on this data.");
        var next = Beyond(effect.Best, effect.Values, name == "temperature");
        return next != effect.Best
            ? Invariant($"{moved}: its best, {effect.Best:g}, is the edge of the range tried, so try {flag} {next:g} with the chosen {otherName}.")
            : Invariant($"{moved}: its best, {effect.Best:g}, is as far as the {name} goes.");
    }

    private static (double Spread, double Best, double Worst, IReadOnlyList<double> Values) Effect(IReadOnlyList<TuneTrial> trials, Func<TuneTrial, double> knob)
    {
        var means = trials.GroupBy(knob).Select(g => (Value: g.Key, Accuracy: g.Average(t => t.ValidationAccuracy))).OrderBy(m => m.Value).ToList();
        var best = means.MaxBy(m => m.Accuracy);
        var worst = means.MinBy(m => m.Accuracy);
        return ((best.Accuracy - worst.Accuracy) * 100, best.Value, worst.Value, means.Select(m => m.Value).ToList());
    }

    /// <summary>The next value past the edge of the range that <paramref name="best"/> sits on, kept within the knob's limits.</summary>
    private static double Beyond(double best, IReadOnlyList<double> values, bool temperature)
    {
        var up = best == values[^1];
        // Temperatures are tried on a doubling scale from 1 up; weights on an even one, within 0..1.
        if (temperature) return up ? best * 2 : Math.Max(1, best / 2);
        var step = values[1] - values[0];
        return Math.Clamp(Math.Round(up ? best + step : best - step, 2), 0, 1);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
