using Distill.Losses;
using Distill.Reports;
using Distill.Runs;
using Distill.Training;

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
        using var data = StudyData.Load(_options.Dataset, _options.DataDirectory, _options.ValidationCount,
            _options.StudentTraining.Seed, _observer.Messages);
        var runner = new ModelRunner(data, folder, _observer, _cancellation, _resume);

        var (teacher, teacherOutcome) = _options.TeacherPath is null
            ? runner.Train(ModelRole.Teacher, _options.TeacherSpec, _options.TeacherTraining, () => new SupervisedObjective())
            : runner.LoadTeacher(_options.TeacherPath);
        using (teacher)
        {
            var (scratch, scratchOutcome) = runner.Train(ModelRole.Scratch, _options.StudentSpec, _options.StudentTraining,
                () => new SupervisedObjective());
            scratch.Dispose();

            // Without augmentation the teacher sees the same inputs every epoch: cache its logits once.
            var cacheTeacher = _options.StudentTraining.JitterPixels == 0;
            var (distilled, distilledOutcome) = runner.Train(ModelRole.Distilled, _options.StudentSpec, _options.StudentTraining,
                () => new DistillationObjective(teacher, new HintonDistillation(_options.Distillation), cacheTeacher ? data.Train : null),
                _options.Distillation.ToString());
            distilled.Dispose();

            var result = new StudyResult(folder.Path, data.Info.Name, data.Test.Count,
                [teacherOutcome, scratchOutcome, distilledOutcome], DateTimeOffset.Now);
            StudyReport.Write(result, folder, _options.ValidationCount, _options.StudentTraining.Seed);
            return result;
        }
    }
}
