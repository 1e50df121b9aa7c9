using System.Globalization;
using Distill.Data;
using Distill.Methods;
using Distill.Models;
using Distill.Teachers;
using Distill.Training;
using static TorchSharp.torch;

namespace Distill.Studies;

/// <summary>
/// Chooses Hinton KD's temperature and weights for a student by successive halving (Jamieson and
/// Talwalkar 2016): every candidate trains a short budget, the best third by validation accuracy
/// trains three times longer, and so on until one is left or the budget reaches the student's
/// epochs. All candidates share the teacher's cached outputs. Only the training and validation
/// splits are passed in, so the test set cannot take part in the choice.
/// </summary>
public static class DistillationTuner
{
    public static TuneResult Search(
        string studentSpec, TrainingOptions training, DistillationOptions baseOptions, TuneOptions tune, FrozenTeacher teacher,
        LabeledDataset train, LabeledDataset validation, int classCount, IProgress<string>? messages = null, CancellationToken cancellation = default)
    {
        tune.Validate();
        if (baseOptions.Method != "kd")
            throw new DistillException($"Tuning searches kd's temperature and weights, so it needs the method kd, not '{baseOptions.Method}'.");
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
            var scored = candidates.Select(c => (Options: c, Accuracy: Score(c, studentSpec, training with { Epochs = epochs, EarlyStoppingPatience = 0 },
                teacher, train, validation, classCount, cancellation))).ToList();
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

    private static double Score(DistillationOptions options, string spec, TrainingOptions training, FrozenTeacher teacher,
        LabeledDataset train, LabeledDataset validation, int classCount, CancellationToken cancellation)
    {
        manual_seed(training.Seed);
        using var student = ModelBuilder.Build(ModelSpec.Parse(spec), train.SampleShape, classCount);
        using var objective = DistillationObjective.Create(student, teacher, options, train.SampleShape, classCount, train.Count, training.Seed,
            augmented: training.Augments);
        var result = new Trainer(training, progress: null, cancellation).Train("tuning", student, train, validation, objective);
        return result.BestValidationAccuracy;
    }

    private static string Reason(DistillationOptions chosen, double accuracy, int epochs, int finalists, (DistillationOptions Options, double Accuracy) runnerUp)
    {
        var text = string.Create(CultureInfo.InvariantCulture,
            $"Tuning chose T={chosen.Temperature:g4}, hard={chosen.ResolvedHardLabelWeight():g4}, soft={chosen.SoftTargetWeight:g4}: the best validation accuracy ({accuracy:P2}) of {finalists} finalist(s) after {epochs} epoch(s)");
        return runnerUp.Options is null
            ? text + "."
            : text + string.Create(CultureInfo.InvariantCulture,
                $"; next best T={runnerUp.Options.Temperature:g4}, soft={runnerUp.Options.SoftTargetWeight:g4} at {runnerUp.Accuracy:P2}.");
    }
}
