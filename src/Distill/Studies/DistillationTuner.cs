using System.Globalization;
using Distill.Methods;
using Distill.Training;

namespace Distill.Studies;

/// <summary>
/// Chooses Hinton KD's temperature and weights for a student by successive halving (Jamieson and
/// Talwalkar 2016): every candidate trains a short budget, the best third by validation accuracy
/// trains three times longer, and so on until one is left or the budget reaches the student's
/// epochs. The search only chooses: each trial is trained by the study's runner
/// (<see cref="ModelRunner.Trial"/>) from the student's own model source (a spec, the user's module
/// or factory, pretrained weights), seeing the training and validation splits alone, so the test set
/// cannot take part in the choice. Every candidate keeps the base options' temperature warm-up: a trial
/// of e epochs runs the first e epochs of the ramp the chosen run will, so the short rounds judge the
/// temperatures as the run meets them (near 1 at first) instead of at a full T that a short budget
/// never sees under the default warm-up (compressing the ramp into the trial would put every candidate
/// at a high T early, which is what loses on short budgets, and bias the first round to low T).
/// </summary>
public static class DistillationTuner
{
    /// <param name="score">Trains the student with one candidate's options for the given training (its epochs) and returns its best validation accuracy.</param>
    public static TuneResult Search(
        TrainingOptions training, DistillationOptions baseOptions, TuneOptions tune, Func<DistillationOptions, TrainingOptions, double> score,
        IProgress<string>? messages = null)
    {
        Check(baseOptions, tune);
        var candidates = tune.Temperatures.SelectMany(t => tune.SoftWeights.Select(w => baseOptions with
        {
            Temperature = t,
            SoftTargetWeight = w,
            HardLabelWeight = Math.Round(1 - w, 10),
        })).ToList();
        var rounds = Math.Max(1, (int)Math.Ceiling(Math.Log(candidates.Count) / Math.Log(tune.Reduction) - 1e-9));
        var epochs = Math.Max(1, (int)(training.Epochs / Math.Pow(tune.Reduction, rounds - 1)));
        var trials = new List<TuneTrial>();
        for (var round = 1; ; round++)
        {
            messages?.Report($"Tuning round {round}: {candidates.Count} candidate(s), {epochs} epoch(s) each, judged on validation");
            var scored = candidates.Select(c => (Options: c, Accuracy: score(c, training with { Epochs = epochs, EarlyStoppingPatience = 0 }))).ToList();
            trials.AddRange(scored.Select(s => new TuneTrial(round, s.Options.Temperature, s.Options.ResolvedHardLabelWeight(), s.Options.SoftTargetWeight, epochs, s.Accuracy)));
            // A stable sort keeps the grid's order among equals, so the choice is reproducible.
            var ranked = scored.OrderByDescending(s => s.Accuracy).ToList();
            var keep = Math.Max(1, (int)Math.Ceiling(candidates.Count / (double)tune.Reduction));
            if (keep == 1 || epochs >= training.Epochs)
            {
                var best = ranked[0];
                var reason = Reason(best.Options, best.Accuracy, epochs, ranked.Count, ranked.Skip(1).FirstOrDefault());
                messages?.Report(reason);
                return new TuneResult(best.Options, trials, reason);
            }
            candidates = [.. ranked.Take(keep).Select(s => s.Options)];
            epochs = Math.Min(training.Epochs, epochs * tune.Reduction);
        }
    }

    /// <summary>Refuses a search that cannot run (bad options, a method other than kd) before anything trains.</summary>
    public static void Check(DistillationOptions baseOptions, TuneOptions tune)
    {
        tune.Validate();
        if (baseOptions.Method != "kd")
            throw new DistillException($"Tuning searches kd's temperature and weights, so it needs the method kd, not '{baseOptions.Method}'.");
    }

    private static string Warmup(DistillationOptions options) =>
        options.TemperatureWarmupEpochs > 0 ? $" (T warm-up {options.TemperatureWarmupEpochs} ep, kept from the run's options)" : "";

    private static string Reason(DistillationOptions chosen, double accuracy, int epochs, int finalists, (DistillationOptions Options, double Accuracy) runnerUp)
    {
        var text = string.Create(CultureInfo.InvariantCulture,
            $"Tuning chose T={chosen.Temperature:g4}, hard={chosen.ResolvedHardLabelWeight():g4}, soft={chosen.SoftTargetWeight:g4}{Warmup(chosen)}: the best validation accuracy ({accuracy:P2}) of {finalists} finalist(s) after {epochs} epoch(s)");
        return runnerUp.Options is null
            ? text + "."
            : text + string.Create(CultureInfo.InvariantCulture,
                $"; next best T={runnerUp.Options.Temperature:g4}, soft={runnerUp.Options.SoftTargetWeight:g4} at {runnerUp.Accuracy:P2}.");
    }
}
