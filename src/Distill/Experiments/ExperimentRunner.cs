using Distill.Reports;
using Distill.Runs;
using Distill.Studies;
using Distill.Native;

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
        ExperimentResult result;
        using (var data = StudyData.Load(TeacherPlan.DataSelection(study), study.ValidationCount, seeds[0], _observer.Messages))
        {
            var (roles, points, teacherRoles) = Plan();
            using var runner = new StudyRunner(data, folder, _observer, _cancellation);
            var outcomes = runner.Run(roles);
            var runs = points.Select(p => new PointRun(p.Point, p.Seed, outcomes[p.Scratch], outcomes[p.Distilled], folder.File(p.Folder))
            {
                Others = p.Others.Select(i => outcomes[i]).ToList(),
            }).ToList();
            var teacher = roles.FindIndex(r => r.Folder == TeacherPlan.TeacherFolder);
            // The one report figure that needs the test images: drawn per seed and point while they are still loaded.
            foreach (var run in runs) ComparisonGallery.Write(outcomes[teacher], run.Scratch, run.Distilled, data, Path.Combine(run.RunDirectory, ComparisonGallery.FileName));
            result = new ExperimentResult(_experiment.Settings.Name, _experiment.Settings.Description, folder.Path, data.Info.Name,
                data.Test.Count, (int)data.Validation.Count, seeds, _experiment.Settings.Sweep?.Parameters.Keys.ToList() ?? [], outcomes[teacher], runs,
                _experiment.Command, DateTimeOffset.Now) { ClassNames = data.Info.ClassNames, Members = outcomes.Take(teacherRoles).Where((_, i) => i != teacher).ToList() };
        }
        // As in DistillationStudy: the report reads the run folder, so it is drawn once the data and models are freed.
        FreedMemory.Release();
        AtomicFile.WriteAllText(folder.File(ExperimentResult.FileName), Json.Serialize(RunPaths.Stored(result, folder.Path)));
        ExperimentReport.Write(result, folder.Path);
        return result;
    }

    /// <summary>
    /// The experiment as roles: the teacher once (first seed), then per seed a scratch baseline per
    /// distinct student (spec and training) and one distilled student per sweep point, with a chain's
    /// assistants and student beside it; where each point's students are in that list; and how many
    /// roles make the teacher (an ensemble's members come before it).
    /// </summary>
    private (List<StudyRole> Roles, List<(SweepPoint Point, int Seed, int Scratch, int Distilled, string Folder, List<int> Others)> Points, int TeacherRoles) Plan()
    {
        var study = _experiment.Study;
        var seeds = _experiment.Settings.Seeds;
        var roles = new List<StudyRole>([.. TeacherPlan.TeacherRoles(study, seeds[0]), .. TeacherPlan.SweepTeacherRoles(study, seeds[0])]);
        var teacherRoles = roles.Count;
        var points = new List<(SweepPoint, int, int, int, string, List<int>)>();
        foreach (var seed in seeds)
        {
            var seedFolder = $"seed-{seed}";
            // A sweep over student keys (spec, training) needs a baseline per distinct student; over loss keys, one per seed.
            var scratches = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var (point, pointStudy) in _experiment.Points)
            {
                var training = pointStudy.StudentTraining with { Seed = seed };
                var pointFolder = _experiment.IsSweep ? $"{seedFolder}/points/{point.Id}" : seedFolder;
                var student = TeacherPlan.StudentSpec(pointStudy);
                var studentKey = student + "|" + Json.Serialize(training, indented: false);
                if (!scratches.TryGetValue(studentKey, out var scratch))
                {
                    var scratchFolder = scratches.Count == 0 ? seedFolder : pointFolder;
                    roles.Add(StudyRole.Trained(ModelRole.Scratch, $"{scratchFolder}/scratch", student, training));
                    scratches[studentKey] = scratch = roles.Count - 1;
                }
                roles.Add(StudyRole.Distilled($"{pointFolder}/distilled", student, training, TeacherPlan.TeacherFolder, pointStudy.Distillation) with { Tune = pointStudy.Tune });
                var distilled = roles.Count - 1;
                var chain = TeacherPlan.ChainRoles(pointStudy, training, pointFolder).Concat(TeacherPlan.SweepStudentRoles(pointStudy, training, pointFolder, seeds[0]))
                    .Concat(TeacherPlan.CandidateRoles(pointStudy, training, pointFolder))
                    .Concat(GenerationPlan.Roles(pointStudy, seed, pointFolder))
                    .Concat(MutualPlan.Roles(pointStudy, training, pointFolder)).ToList();
                roles.AddRange(chain);
                points.Add((point, seed, scratch, distilled, pointFolder, Enumerable.Range(distilled + 1, chain.Count).ToList()));
            }
        }
        return (roles, points, teacherRoles);
    }
}
