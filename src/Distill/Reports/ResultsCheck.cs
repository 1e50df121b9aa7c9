using Distill.Experiments;
using Distill.Studies;

namespace Distill.Reports;

/// <summary>
/// Checks results read back from disk (results.json, experiment.json) before a report is drawn
/// from them: the files are plain JSON anyone can edit, and a report showing -5 parameters or an
/// accuracy of 1e308 would pass a typo off as a measurement. The error names the field.
/// </summary>
public static class ResultsCheck
{
    /// <summary>The flat list of models of an older results.json.</summary>
    public static void Check(IReadOnlyList<ModelOutcome> models, string file)
    {
        if (models is null || models.Any(m => m is null))
            throw new DistillException($"The results file '{file}' has no list of models.");
        for (var i = 0; i < models.Count; i++) Check(models[i], $"models[{i}]", file);
    }

    public static void Check(ExperimentResult result, string file)
    {
        if (result.Seeds is null || result.SweepKeys is null || result.Runs is null || result.Members is null || result.Unpaired is null
            || result.Members.Any(m => m is null) || result.Unpaired.Any(m => m is null)
            || (result.Teacher is null && result.Runs.Count > 0)
            || result.Runs.Any(r => r is null || r.Point is null || r.Scratch is null || r.Distilled is null || r.Others is null || r.Others.Any(o => o is null)))
            throw new DistillException($"The results file '{file}' lacks its teacher, seeds, sweep keys or runs.");
        Count(result.TestCount, "testCount", file);
        Count(result.ValidationCount, "validationCount", file);
        if (result.Teacher is { } teacher) Check(teacher, "teacher", file);
        for (var i = 0; i < result.Members.Count; i++) Check(result.Members[i], $"members[{i}]", file);
        for (var i = 0; i < result.Unpaired.Count; i++) Check(result.Unpaired[i], $"unpaired[{i}]", file);
        for (var i = 0; i < result.Runs.Count; i++)
        {
            Check(result.Runs[i].Scratch, $"runs[{i}].scratch", file);
            Check(result.Runs[i].Distilled, $"runs[{i}].distilled", file);
            for (var o = 0; o < result.Runs[i].Others.Count; o++) Check(result.Runs[i].Others[o], $"runs[{i}].others[{o}]", file);
        }
    }

    private static void Check(ModelOutcome model, string at, string file)
    {
        if (model.Spec is null || model.History is null || model.History.Any(h => h is null))
            throw new DistillException($"The results file '{file}' lacks the spec or history of {at}.");
        Count(model.Parameters, $"{at}.parameters", file);
        Count(model.SizeBytes, $"{at}.sizeBytes", file);
        Accuracy(model.TestAccuracy, $"{at}.testAccuracy", file);
        Accuracy(model.LastEpochTestAccuracy, $"{at}.lastEpochTestAccuracy", file);
        Count(model.TestErrors, $"{at}.testErrors", file);
        Count(model.LastEpochTestErrors, $"{at}.lastEpochTestErrors", file);
        Count(model.BestEpoch, $"{at}.bestEpoch", file);
        Count(model.EpochsRun, $"{at}.epochsRun", file);
        Finite(model.TrainingSeconds, $"{at}.trainingSeconds", file, positive: true);
        Finite(model.LatencyMilliseconds, $"{at}.latencyMilliseconds", file, positive: true);
        if (model.ConfusionMatrix?.SelectMany(row => row ?? []).Any(n => n < 0) == true)
            throw new DistillException($"The results file '{file}' has a negative count in {at}.confusionMatrix; counts must be 0 or more.");
        for (var i = 0; i < model.History.Count; i++)
        {
            var record = model.History[i];
            var where = $"{at}.history[{i}]";
            Accuracy(record.TrainAccuracy, $"{where}.trainAccuracy", file);
            Accuracy(record.ValidationAccuracy, $"{where}.validationAccuracy", file);
            Finite(record.TrainLoss, $"{where}.trainLoss", file);
            Finite(record.ValidationLoss, $"{where}.validationLoss", file);
            Finite(record.LearningRate, $"{where}.learningRate", file);
            Finite(record.Seconds, $"{where}.seconds", file, positive: true);
            foreach (var (term, value) in record.LossTerms ?? new Dictionary<string, double>()) Finite(value, $"{where}.lossTerms.{term}", file);
            foreach (var (term, value) in record.UnweightedLossTerms ?? new Dictionary<string, double>()) Finite(value, $"{where}.unweightedLossTerms.{term}", file);
            for (var s = 0; s < (record.StepLosses?.Count ?? 0); s++) Finite(record.StepLosses![s], $"{where}.stepLosses[{s}]", file);
        }
    }

    private static void Accuracy(double value, string field, string file)
    {
        if (!(value >= 0 && value <= 1))
            throw new DistillException(FormattableString.Invariant($"The results file '{file}' has {field} = {value}; an accuracy lies between 0 and 1."));
    }

    private static void Count(long value, string field, string file)
    {
        if (value < 0) throw new DistillException($"The results file '{file}' has {field} = {value}; it must be 0 or more.");
    }

    private static void Finite(double value, string field, string file, bool positive = false)
    {
        if (!double.IsFinite(value) || (positive && value < 0))
            throw new DistillException(FormattableString.Invariant(
                $"The results file '{file}' has {field} = {value}; it must be a finite number{(positive ? " of 0 or more" : "")}."));
    }
}
