using Distill.Reports;
using Distill.Runs;
using Distill.Native;

namespace Distill.Studies;

/// <summary>
/// Runs a study end to end: data, teacher (trained or loaded), scratch student, distilled student,
/// evaluation, and the run folder (checkpoints, metrics.jsonl, curves, summary.md, results.json).
/// </summary>
public sealed class DistillationStudy
{
    private readonly StudyOptions _options;
    private readonly StudyObserver _observer;
    private readonly CancellationToken _cancellation;
    private readonly bool _resume;

    /// <param name="resume">Continue an interrupted run in the folder given to <see cref="Run"/>: finished
    /// models are reused, the interrupted one continues from its last whole epoch.</param>
    public DistillationStudy(StudyOptions options, StudyObserver? observer = null, CancellationToken cancellation = default, bool resume = false)
    {
        options.Validate();
        _resume = resume;
        _options = options;
        _observer = observer ?? StudyObserver.None;
        _cancellation = cancellation;
    }

    public StudyResult Run(RunFolder folder)
    {
        var config = Json.Serialize(_options);
        var configPath = folder.File("config.json");
        if (_resume && File.Exists(configPath) && File.ReadAllText(configPath) != config)
            throw new DistillException($"The run in '{folder.Path}' was started with other options; resume it with the options in its config.json.");
        AtomicFile.WriteAllText(configPath, config);
        StudyResult result;
        using (var data = StudyData.Load(TeacherPlan.DataSelection(_options), _options.ValidationCount, _options.StudentTraining.Seed, _observer.Messages))
        using (var runner = new StudyRunner(data, folder, _observer, _cancellation, _resume))
        {
            var outcomes = runner.Run(Roles(_options));
            result = new StudyResult(folder.Path, data.Info.Name, data.Test.Count, outcomes, DateTimeOffset.Now) { ClassNames = data.Info.ClassNames, ValidationCount = data.Validation.Count };
            // The one report figure that needs the test images: drawn while they are still loaded.
            if (result.Find(ModelRole.Teacher) is { } teacher && result.Find(ModelRole.Scratch) is { } scratch && result.Find(ModelRole.Distilled) is { } distilled)
                ComparisonGallery.Write(teacher, scratch, distilled, data, folder.File(ComparisonGallery.FileName));
        }
        // The report reads the run folder, not the tensors: drawing it after the data and the models
        // are freed keeps its buffers from adding to the training's peak memory.
        FreedMemory.Release();
        StudyReport.Write(result, folder, _options.StudentTraining.Seed);
        return result;
    }

    /// <summary>
    /// The study as roles: the teacher (trained, loaded, or an ensemble with its members), the scratch
    /// student, the distilled student, for a chain its assistants (after the teacher) and the student at its end,
    /// then born-again generations and mutual-learning peers.
    /// </summary>
    public static IReadOnlyList<StudyRole> Roles(StudyOptions options)
    {
        var student = TeacherPlan.StudentSpec(options);
        var chain = TeacherPlan.ChainRoles(options, options.StudentTraining, "");
        // Assistants right after the teacher, the chain's student after the direct one, as the table reads.
        return
        [
            .. TeacherPlan.TeacherRoles(options, options.TeacherTraining.Seed),
            .. TeacherPlan.SweepTeacherRoles(options, options.TeacherTraining.Seed),
            .. chain.SkipLast(1),
            StudyRole.Trained(ModelRole.Scratch, "scratch", student, options.StudentTraining),
            StudyRole.Distilled("distilled", student, options.StudentTraining, TeacherPlan.TeacherFolder, options.Distillation) with { Tune = options.Tune },
            .. chain.TakeLast(1),
            .. TeacherPlan.SweepStudentRoles(options, options.StudentTraining, "", options.TeacherTraining.Seed),
            .. TeacherPlan.CandidateRoles(options, options.StudentTraining, ""),
            .. GenerationPlan.Roles(options, options.TeacherTraining.Seed, ""),
            .. MutualPlan.Roles(options, options.StudentTraining, ""),
        ];
    }
}
