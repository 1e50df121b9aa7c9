using Distill.Runs;
using Distill.Studies;

namespace Distill.Experiments.Shards;

/// <summary>
/// Runs one shard of an experiment in a folder that several processes share, each piece through
/// <see cref="StudyPipeline.RunPart"/> (the path the whole experiment's roles take in one process):
/// first the shard's shared scratch baselines, which learn from no teacher; then the teacher stage
/// once (the first process to claim it trains it, the others wait for it and load it); then each
/// point the shard owns, after the shared roles it learns from. A unit that is finished or held by
/// another process is skipped, and the one this process runs is claimed while it runs. Units resume
/// from their last whole epoch, so a killed shard rerun, or a retried pod, continues where it
/// stopped. <see cref="ExperimentMerge"/> builds the results once every shard is done.
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
        var teacherRoles = plan.TeacherRoles;
        var ran = new List<string>();
        var finished = new List<string>();
        var held = new List<string>();
        var failed = new List<(string, string)>();
        if (stage == ShardStage.Points && !ShardPlan.Finished(folder.Path, teacherRoles))
            throw new DistillException($"The teacher stage of '{folder.Path}' has not finished; run it first (distill run EXPERIMENT --stage teacher --out FOLDER).");
        StudyPipeline.Share(plan.Plan, folder);
        AtomicFile.WriteAllText(folder.File(CommandFile), _experiment.Command + "\n");
        var pipeline = new StudyPipeline(_observer, _cancellation, resume: true);
        using var data = pipeline.Load(plan.Plan);
        var units = stage == ShardStage.Teacher ? [] : plan.UnitsOf(shard);
        // Baselines first: another shard trains the teacher meanwhile.
        foreach (var unit in units.Where(u => !u.NeedsTeacherStage)) RunUnit(unit, unit.Roles);
        if (stage != ShardStage.Points && !ShardPlan.Finished(folder.Path, teacherRoles))
        {
            using var claim = PointClaim.Take(folder.File(TeacherClaimFile), _observer.Messages, _cancellation);
            // Another shard may have finished the teacher while this one waited: the run below then only loads it.
            pipeline.RunPart(teacherRoles, data, folder);
        }
        // The teacher is loaded again for every point, and its outputs read from the logits cache, so a point's files do not depend on what ran before it.
        foreach (var unit in units.Where(u => u.NeedsTeacherStage)) RunUnit(unit, [.. teacherRoles, .. unit.Roles]);
        return new ShardOutcome(shard, ran, finished, held, failed);

        void RunUnit(WorkUnit unit, IReadOnlyList<StudyRole> roles)
        {
            if (unit.IsFinished(folder.Path))
            {
                finished.Add(unit.Folder);
                return;
            }
            using var claim = PointClaim.TryTake(Path.Combine(folder.Subfolder(unit.Folder), WorkUnit.ClaimFile));
            if (claim is null || unit.IsFinished(folder.Path))
            {
                (claim is null ? held : finished).Add(unit.Folder);
                return;
            }
            var failure = Path.Combine(folder.Path, unit.Folder, WorkUnit.FailureFile);
            File.Delete(failure);
            try
            {
                _observer.Messages?.Report($"Shard {shard}: {(unit.NeedsTeacherStage ? "point" : "shared scratch baseline")} {unit.Folder}");
                pipeline.RunPart(roles, data, folder);
                ran.Add(unit.Folder);
            }
            catch (DistillException e)
            {
                AtomicFile.WriteAllText(failure, e.Message + "\n");
                failed.Add((unit.Folder, e.Message));
            }
        }
    }
}
