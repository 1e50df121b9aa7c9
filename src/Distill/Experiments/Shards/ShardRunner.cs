using Distill.Runs;
using Distill.Studies;

namespace Distill.Experiments.Shards;

/// <summary>
/// Runs one shard of an experiment in a folder that several processes share: the teacher stage once
/// (the first process to claim it trains it, the others wait for it and load it), then each unit the
/// shard owns that is not finished and not held by another process, claimed while it runs. Units
/// resume from their last whole epoch (<see cref="StudyRunner"/> with resume), so a killed shard
/// rerun, or a retried pod, continues where it stopped. <see cref="ExperimentMerge"/> builds the
/// results once every shard is done.
/// </summary>
public sealed class ShardRunner
{
    /// <summary>The claim file of the teacher stage, at the top of the experiment's folder.</summary>
    public const string TeacherClaimFile = ".distill-teacher-claim";

    /// <summary>The command that runs the experiment in one process, for the merged report (config.json holds the experiment itself).</summary>
    public const string CommandFile = "experiment-command.txt";

    private readonly Experiment _experiment;
    private readonly StudyObserver _observer;
    private readonly CancellationToken _cancellation;

    public ShardRunner(Experiment experiment, StudyObserver? observer = null, CancellationToken cancellation = default)
    {
        _experiment = experiment;
        _observer = observer ?? StudyObserver.None;
        _cancellation = cancellation;
    }

    public ShardOutcome Run(RunFolder folder, ShardSpec shard, ShardStage stage = ShardStage.All)
    {
        var plan = ShardPlan.Of(_experiment);
        var study = _experiment.Study;
        var teacherRoles = plan.TeacherRoles;
        var ran = new List<string>();
        var finished = new List<string>();
        var held = new List<string>();
        var failed = new List<(string, string)>();
        if (stage == ShardStage.Points && !ShardPlan.Finished(folder.Path, teacherRoles))
            throw new DistillException($"The teacher stage of '{folder.Path}' has not finished; run it first (distill run EXPERIMENT --stage teacher --out FOLDER).");
        var config = folder.File("config.json");
        if (File.Exists(config) && File.ReadAllText(config) != _experiment.ResolvedJson)
            throw new DistillException($"Run folder '{folder.Path}' holds another experiment (its config.json differs); give each experiment its own --out.");
        AtomicFile.WriteAllText(config, _experiment.ResolvedJson);
        AtomicFile.WriteAllText(folder.File(CommandFile), _experiment.Command + "\n");
        using var data = StudyData.Load(TeacherPlan.DataSelection(study), study.ValidationCount, _experiment.Settings.Seeds[0], _observer.Messages);
        if (stage != ShardStage.Points && !ShardPlan.Finished(folder.Path, teacherRoles))
        {
            using var claim = PointClaim.Take(folder.File(TeacherClaimFile), _observer.Messages, _cancellation);
            // Another shard may have finished the teacher while this one waited: the run below then only loads it.
            using var runner = new StudyRunner(data, folder, _observer, _cancellation, resume: true) { ShareLogits = true };
            runner.Run(teacherRoles);
        }
        if (stage == ShardStage.Teacher) return new ShardOutcome(shard, ran, finished, held, failed);
        foreach (var unit in plan.UnitsOf(shard))
        {
            if (unit.IsFinished(folder.Path))
            {
                finished.Add(unit.Folder);
                continue;
            }
            using var claim = PointClaim.TryTake(Path.Combine(folder.Subfolder(unit.Folder), WorkUnit.ClaimFile));
            if (claim is null || unit.IsFinished(folder.Path))
            {
                (claim is null ? held : finished).Add(unit.Folder);
                continue;
            }
            var failure = Path.Combine(folder.Path, unit.Folder, WorkUnit.FailureFile);
            File.Delete(failure);
            try
            {
                _observer.Messages?.Report($"Shard {shard}: point {unit.Folder}");
                // The teacher is loaded again for every unit, and its outputs read from the logits cache, so a unit's files do not depend on what ran before it.
                using var runner = new StudyRunner(data, folder, _observer, _cancellation, resume: true) { ShareLogits = true };
                runner.Run([.. teacherRoles, .. unit.Roles]);
                ran.Add(unit.Folder);
            }
            catch (DistillException e)
            {
                AtomicFile.WriteAllText(failure, e.Message + "\n");
                failed.Add((unit.Folder, e.Message));
            }
        }
        return new ShardOutcome(shard, ran, finished, held, failed);
    }
}
