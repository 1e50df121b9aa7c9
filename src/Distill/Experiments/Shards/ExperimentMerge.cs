using Distill.Runs;
using Distill.Studies;

namespace Distill.Experiments.Shards;

/// <summary>
/// Builds experiment.json, the tables and the report of a sharded experiment from its finished
/// units: the experiment is read back from the folder's config.json and its plan merged by
/// <see cref="StudyPipeline.Merge"/> from every model's outcome.json (read, not trained or tested
/// again), so the numbers are those of the whole experiment in one process. Refuses, naming them,
/// while points or shared baselines are missing or failed.
/// </summary>
public static class ExperimentMerge
{
    /// <summary>Points named in a refusal; the rest are counted.</summary>
    private const int Named = 5;

    /// <summary>The experiment saved in <paramref name="folder"/>, checked to be finished.</summary>
    public static Experiment Read(string folder)
    {
        if (!Directory.Exists(folder)) throw new DistillException($"Experiment folder '{folder}' does not exist.");
        var config = Path.Combine(folder, "config.json");
        if (!File.Exists(config)) throw new DistillException($"The folder '{folder}' has no config.json, so it holds no experiment to merge.");
        var command = Path.Combine(folder, ShardRunner.CommandFile);
        var experiment = ExperimentFile.Load(config);
        if (File.Exists(command)) experiment = experiment with { Command = File.ReadAllText(command).Trim() };
        var plan = ShardPlan.Of(experiment);
        if (!ShardPlan.Finished(folder, plan.TeacherRoles))
            throw new DistillException($"The teacher stage of '{folder}' has not finished; run the shards (or --stage teacher) before merging.");
        var failed = plan.Units.Where(u => File.Exists(Path.Combine(folder, u.Folder, WorkUnit.FailureFile))).Select(u => u.Folder).ToList();
        var missing = plan.Units.Where(u => !u.IsFinished(folder)).Select(u => u.Folder).Except(failed).ToList();
        if (failed.Count + missing.Count > 0)
        {
            var parts = new List<string>();
            if (missing.Count > 0) parts.Add($"{missing.Count} missing ({List(missing)})");
            if (failed.Count > 0) parts.Add($"{failed.Count} failed ({List(failed)}; the error is in each point's {WorkUnit.FailureFile})");
            throw new DistillException(
                $"{failed.Count + missing.Count} of {plan.Units.Count} units of '{folder}' are not finished: {string.Join(", ", parts)}; run the shards again (they skip finished units and resume the others), then merge.");
        }
        return experiment;
    }

    /// <summary>Merges the finished experiment in <paramref name="folder"/> (claimed whole: no shard may still run in it).</summary>
    public static ExperimentResult Run(Experiment experiment, RunFolder folder, StudyObserver? observer = null, CancellationToken cancellation = default) =>
        new StudyPipeline(observer, cancellation).Merge(Experiments.ExperimentPlan.Of(experiment), folder);

    private static string List(IReadOnlyList<string> folders) =>
        string.Join(", ", folders.Take(Named)) + (folders.Count > Named ? $" and {folders.Count - Named} more" : "");
}
