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

    public DistillationStudy(StudyOptions options, StudyObserver? observer = null, CancellationToken cancellation = default)
    {
        options.Validate();
        _options = options;
        _observer = observer ?? StudyObserver.None;
        _cancellation = cancellation;
    }

    public StudyResult Run(RunFolder folder)
    {
        AtomicFile.WriteAllText(folder.File("config.json"), Json.Serialize(_options));
        using var data = StudyData.Load(_options.Dataset, _options.DataDirectory, _options.ValidationCount,
            _options.StudentTraining.Seed, _observer.Messages);
        var runner = new ModelRunner(data, folder, _observer, _cancellation);

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
            StudyReport.Write(result, folder, _options.ValidationCount);
            return result;
        }
    }
}
