using Distill.Evaluation;
using Distill.Losses;
using Distill.Reports;
using Distill.Runs;
using Distill.Studies;
using Distill.Training;
using static TorchSharp.torch;

namespace Distill.Experiments;

/// <summary>
/// Runs an experiment: the teacher once (trained with the first seed, or loaded), its training-set
/// logits once for every student that sees un-augmented inputs, then per seed the scratch baseline
/// and one distilled student per sweep point. Writes experiment.json and the report.
/// </summary>
/// <remarks>
/// Layout: config.json and teacher/ at the top; seed-N/scratch/ and, without a sweep, seed-N/distilled/;
/// with a sweep, seed-N/points/ID/distilled/. Each of these folders has its own metrics.jsonl.
/// </remarks>
public sealed class ExperimentRunner
{
    private readonly Experiment _experiment;
    private readonly StudyObserver _observer;
    private readonly CancellationToken _cancellation;

    public ExperimentRunner(Experiment experiment, StudyObserver? observer = null, CancellationToken cancellation = default)
    {
        _experiment = experiment;
        _observer = observer ?? StudyObserver.None;
        _cancellation = cancellation;
    }

    public ExperimentResult Run(RunFolder folder)
    {
        AtomicFile.WriteAllText(folder.File("config.json"), _experiment.ResolvedJson);
        var seeds = _experiment.Settings.Seeds;
        var study = _experiment.Study;
        using var data = StudyData.Load(study.Dataset, study.DataDirectory, study.ValidationCount, seeds[0], _observer.Messages);
        var teacherRunner = new ModelRunner(data, folder, _observer, _cancellation);
        var (teacher, teacherOutcome) = study.TeacherPath is null
            ? teacherRunner.Train(ModelRole.Teacher, study.TeacherSpec, study.TeacherTraining with { Seed = seeds[0] }, () => new SupervisedObjective())
            : teacherRunner.LoadTeacher(study.TeacherPath);
        using (teacher)
        {
            Tensor? cache = null;
            try
            {
                var runs = new List<PointRun>();
                foreach (var seed in seeds)
                    runs.AddRange(RunSeed(data, folder, teacher, seed, ref cache));
                var result = new ExperimentResult(_experiment.Settings.Name, _experiment.Settings.Description, folder.Path, data.Info.Name,
                    data.Test.Count, study.ValidationCount, seeds, _experiment.Settings.Sweep?.Parameters.Keys.ToList() ?? [], teacherOutcome, runs,
                    _experiment.Command, DateTimeOffset.Now);
                AtomicFile.WriteAllText(folder.File(ExperimentResult.FileName), Json.Serialize(RunPaths.Stored(result, folder.Path)));
                ExperimentReport.Write(result, folder.Path);
                return result;
            }
            finally
            {
                cache?.Dispose();
            }
        }
    }

    private List<PointRun> RunSeed(StudyData data, RunFolder folder, nn.Module<Tensor, Tensor> teacher, int seed, ref Tensor? cache)
    {
        var seedFolder = RunFolder.Create(folder.File($"seed-{seed}"), replace: false);
        var seedRunner = new ModelRunner(data, seedFolder, _observer, _cancellation);
        // A sweep over student keys (spec, training) needs a baseline per distinct student; over loss keys, one per seed.
        var scratches = new Dictionary<string, ModelOutcome>();
        var runs = new List<PointRun>();
        foreach (var (point, study) in _experiment.Points)
        {
            var training = study.StudentTraining with { Seed = seed };
            var pointFolder = _experiment.IsSweep ? RunFolder.Create(seedFolder.File("points", point.Id), replace: false) : seedFolder;
            var pointRunner = _experiment.IsSweep ? new ModelRunner(data, pointFolder, _observer, _cancellation) : seedRunner;
            if (_experiment.IsSweep) _observer.Messages?.Report($"Seed {seed}, sweep point {point.Id}: {point.Label}");

            var studentKey = study.StudentSpec + "|" + Json.Serialize(training, indented: false);
            if (!scratches.TryGetValue(studentKey, out var scratch))
            {
                var runner = scratches.Count == 0 ? seedRunner : pointRunner;
                var (model, outcome) = runner.Train(ModelRole.Scratch, study.StudentSpec, training, () => new SupervisedObjective());
                model.Dispose();
                scratches[studentKey] = scratch = outcome;
            }

            // Augmented inputs change every epoch, so only un-augmented students can use the cached logits.
            var useCache = training.JitterPixels == 0;
            if (useCache) cache ??= Evaluator.Logits(teacher, data.Train.Features);
            var method = new HintonDistillation(study.Distillation);
            var sharedCache = cache;
            var (distilled, distilledOutcome) = pointRunner.Train(ModelRole.Distilled, study.StudentSpec, training,
                () => useCache ? new DistillationObjective(teacher, method, sharedCache!) : new DistillationObjective(teacher, method, cacheFor: null),
                study.Distillation.ToString());
            distilled.Dispose();
            runs.Add(new PointRun(point, seed, scratch, distilledOutcome, pointFolder.Path));
        }
        return runs;
    }
}
