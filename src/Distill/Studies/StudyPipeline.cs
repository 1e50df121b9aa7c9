using Distill.Experiments;
using Distill.Native;
using Distill.Reports;
using Distill.Runs;

namespace Distill.Studies;

/// <summary>
/// The one path from a <see cref="StudyPlan"/> to a finished run folder: config.json, the data and
/// its validation split, the roles run in order by <see cref="StudyRunner"/>, the result (results.json
/// or experiment.json) and the report. Every command that trains (compare, quickstart, train, distill,
/// run; prune and deploy for their fine-tunes, <see cref="Deployment.EdgeFineTune"/>) describes its roles
/// as a plan and calls <see cref="Run(StudyPlan, RunFolder)"/> (or, on data it has loaded, <see cref="Run(StudyPlan, StudyData, RunFolder)"/>). A plan run in
/// parts by several processes (the shards of an experiment) runs each part through <see cref="RunPart"/>,
/// the same runner, and ends with <see cref="Merge"/>, the same result and report from what the parts left.
/// </summary>
public sealed class StudyPipeline
{
    private readonly StudyObserver _observer;
    private readonly CancellationToken _cancellation;
    private readonly bool _resume;

    /// <param name="resume">Continue an interrupted run in the folder given to <see cref="Run(StudyPlan, RunFolder)"/>: finished
    /// models are reused, the interrupted one continues from its last whole epoch.</param>
    public StudyPipeline(StudyObserver? observer = null, CancellationToken cancellation = default, bool resume = false)
    {
        _observer = observer ?? StudyObserver.None;
        _cancellation = cancellation;
        _resume = resume;
    }

    /// <summary>Loads the plan's data (and its validation split) and runs the plan on it.</summary>
    public ExperimentResult Run(StudyPlan plan, RunFolder folder)
    {
        WriteConfig(plan, folder);
        ExperimentResult result;
        using (var data = Load(plan))
            result = Train(plan, data, folder, readFinished: false);
        return Finish(plan, result, folder);
    }

    /// <summary>
    /// The result and report of a plan whose models were trained into <paramref name="folder"/> in parts
    /// (<see cref="RunPart"/>, by the shards of an experiment): what <see cref="Run(StudyPlan, RunFolder)"/>
    /// writes at its end, from every model's outcome.json, read rather than trained, loaded or tested
    /// again (only an ensemble's members are loaded, to combine them); each folder's metrics.jsonl is
    /// rebuilt in the plan's order. A model that has not finished is refused.
    /// </summary>
    public ExperimentResult Merge(StudyPlan plan, RunFolder folder)
    {
        ExperimentResult result;
        using (var data = Load(plan))
            result = Train(plan, data, folder, readFinished: true);
        return Finish(plan, result, folder);
    }

    /// <summary>
    /// Makes <paramref name="folder"/> the plan's, for the processes that run it in parts: config.json
    /// written, or refused when the folder holds another plan's.
    /// </summary>
    public static void Share(StudyPlan plan, RunFolder folder)
    {
        var config = folder.File("config.json");
        if (plan.Config is null)
            throw new DistillException($"Run folder '{folder.Path}' holds another experiment (its config.json differs); give each experiment its own --out.");
        if (File.Exists(config) && RunConfig.Difference(File.ReadAllText(config), plan.Config) is { } difference)
            throw new DistillException($"Run folder '{folder.Path}' holds another experiment (its config.json differs: {difference}); give each experiment its own --out.");
        AtomicFile.WriteAllText(config, plan.Config);
    }

    /// <summary>The plan's data and its validation split (its test part alone for <see cref="StudyPlan.ReadsTestOnly"/>), for running the plan in parts.</summary>
    public StudyData Load(StudyPlan plan) =>
        plan.Data is null
            ? throw new DistillException("The study plan names no data: run it with the data already loaded.")
            : StudyData.Load(plan.Data with { TestOnly = plan.ReadsTestOnly }, plan.ValidationCount, plan.Seed, _observer.Messages);

    /// <summary>
    /// Runs <paramref name="roles"/>, a part of the plan (a shared teacher stage, or one point with the
    /// shared roles it learns from before it), into the plan's folder as <see cref="Run(StudyPlan, RunFolder)"/>
    /// runs them, resuming what an earlier process left; every teacher's training-set logits are kept in
    /// the folder for the other parts. Writes no result: <see cref="Merge"/> does, once every part has finished.
    /// </summary>
    public IReadOnlyList<ModelOutcome> RunPart(IReadOnlyList<StudyRole> roles, StudyData data, RunFolder folder)
    {
        using var runner = new StudyRunner(data, folder, _observer, _cancellation, resume: true) { ShareLogits = true };
        return runner.Run(roles);
    }

    /// <summary>Runs the plan on data the caller loaded or built (a library user's own tensors); the caller keeps the data.</summary>
    public ExperimentResult Run(StudyPlan plan, StudyData data, RunFolder folder)
    {
        ArgumentNullException.ThrowIfNull(data);
        WriteConfig(plan, folder);
        return Finish(plan, Train(plan, data, folder, readFinished: false), folder);
    }

    private void WriteConfig(StudyPlan plan, RunFolder folder)
    {
        if (plan.Config is not { } config) return;
        var configPath = folder.File("config.json");
        if (_resume && File.Exists(configPath) && RunConfig.Difference(File.ReadAllText(configPath), config) is { } difference)
            throw new DistillException($"The run in '{folder.Path}' was started with other options ({difference}); resume it with the options in its config.json.");
        AtomicFile.WriteAllText(configPath, config);
    }

    private ExperimentResult Train(StudyPlan plan, StudyData data, RunFolder folder, bool readFinished)
    {
        using var runner = new StudyRunner(data, folder, _observer, _cancellation, _resume || readFinished) { ReadFinished = readFinished };
        var outcomes = runner.Run(plan.Roles);
        var result = Result(plan, outcomes, folder) with { Dataset = data.Info.Name, TestCount = data.Test.Count, ValidationCount = (int)data.Validation.Count, ClassNames = data.Info.ClassNames };
        // The one report figure that needs the test images: drawn per seed and point while they are still loaded.
        if (result.Teacher is { } teacher)
            foreach (var run in result.Runs) ComparisonGallery.Write(teacher, run.Scratch, run.Distilled, data, Path.Combine(run.RunDirectory, ComparisonGallery.FileName));
        return result;
    }

    private static ExperimentResult Finish(StudyPlan plan, ExperimentResult result, RunFolder folder)
    {
        // The report reads the run folder, not the tensors: drawing it after the data and the models
        // are freed keeps its buffers from adding to the training's peak memory.
        FreedMemory.Release();
        AtomicFile.WriteAllText(folder.File(plan.ResultsFile), Json.Serialize(RunPaths.Stored(result, folder.Path)));
        ExperimentReport.Write(result, folder.Path);
        return result;
    }

    /// <summary>The outcomes placed as the plan says: teacher, its members, each point's pair and others, and the rest unpaired.</summary>
    private static ExperimentResult Result(StudyPlan plan, IReadOnlyList<ModelOutcome> outcomes, RunFolder folder)
    {
        var byFolder = plan.Roles.Select((role, i) => (role.Folder, Outcome: outcomes[i])).ToDictionary(r => r.Folder, r => r.Outcome, StringComparer.Ordinal);
        var placed = new HashSet<string>(StringComparer.Ordinal) { plan.TeacherFolder };
        var members = plan.Roles.Where(r => r.Role is ModelRole.Member or ModelRole.SweepTeacher).Select(r => r.Folder).ToList();
        placed.UnionWith(members);
        var runs = plan.Points.Select(p =>
        {
            placed.UnionWith([p.Scratch, p.Distilled, .. p.Others]);
            return new PointRun(p.Point, p.Seed, byFolder[p.Scratch], byFolder[p.Distilled], p.Folder.Length == 0 ? folder.Path : folder.File(p.Folder))
            {
                Others = p.Others.Select(o => byFolder[o]).ToList(),
            };
        }).ToList();
        return new ExperimentResult(plan.Name, plan.Description, folder.Path, "", 0, 0, plan.Seeds ?? [plan.Seed], plan.SweepKeys,
            byFolder.GetValueOrDefault(plan.TeacherFolder), runs, plan.Command, DateTimeOffset.Now)
        {
            Members = members.Select(m => byFolder[m]).ToList(),
            Unpaired = plan.Roles.Where(r => !placed.Contains(r.Folder)).Select(r => byFolder[r.Folder]).ToList(),
        };
    }
}
