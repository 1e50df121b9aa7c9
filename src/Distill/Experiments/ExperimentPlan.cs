using Distill.Runs;
using Distill.Studies;

namespace Distill.Experiments;

/// <summary>
/// An experiment as a <see cref="StudyPlan"/>: the teacher once (trained with the first seed, or
/// loaded), then per seed a scratch baseline per distinct student (spec and training) and one
/// distilled student per sweep point, with a chain's assistants and student beside it. Every student
/// that sees un-augmented inputs shares one cache of the teacher's training-set logits.
/// </summary>
/// <remarks>
/// Layout: config.json and teacher/ at the top; seed-N/scratch/ and, without a sweep, seed-N/distilled/;
/// with a sweep, seed-N/points/ID/distilled/. Each of these folders has its own metrics.jsonl.
/// </remarks>
public static class ExperimentPlan
{
    public static StudyPlan Of(Experiment experiment)
    {
        var study = experiment.Study;
        var seeds = experiment.Settings.Seeds;
        var roles = new List<StudyRole>([.. TeacherPlan.TeacherRoles(study, seeds[0]), .. TeacherPlan.SweepTeacherRoles(study, seeds[0])]);
        var points = new List<PlannedPoint>();
        foreach (var seed in seeds)
        {
            var seedFolder = $"seed-{seed}";
            // A sweep over student keys (spec, training) needs a baseline per distinct student; over loss keys, one per seed.
            var scratches = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (point, pointStudy) in experiment.Points)
            {
                var training = pointStudy.StudentTraining with { Seed = seed };
                var pointFolder = experiment.IsSweep ? $"{seedFolder}/points/{point.Id}" : seedFolder;
                var student = TeacherPlan.StudentSpec(pointStudy);
                var studentKey = student + "|" + Json.Serialize(training, indented: false) + "|" + string.Join(",", pointStudy.ExcludeClasses ?? []);
                if (!scratches.TryGetValue(studentKey, out var scratch))
                {
                    scratch = $"{(scratches.Count == 0 ? seedFolder : pointFolder)}/scratch";
                    roles.Add(StudyPlan.ForStudents(StudyRole.Trained(ModelRole.Scratch, scratch, student, training), pointStudy));
                    scratches[studentKey] = scratch;
                }
                var distilled = StudyPlan.ForStudents(StudyRole.Distilled($"{pointFolder}/distilled", student, training, TeacherPlan.TeacherFolder, pointStudy.Distillation) with { Tune = pointStudy.Tune }, pointStudy);
                roles.Add(distilled);
                var chain = TeacherPlan.ChainRoles(pointStudy, training, pointFolder).Concat(TeacherPlan.SweepStudentRoles(pointStudy, training, pointFolder, seeds[0]))
                    .Concat(TeacherPlan.CandidateRoles(pointStudy, training, pointFolder))
                    .Concat(GenerationPlan.Roles(pointStudy, seed, pointFolder))
                    .Concat(MutualPlan.Roles(pointStudy, training, pointFolder))
                    .Concat(DataFreePlan.Roles(pointStudy with { StudentTraining = training }, pointFolder)).Select(r => StudyPlan.ForStudents(r, pointStudy)).ToList();
                roles.AddRange(chain);
                points.Add(new PlannedPoint(point, seed, scratch, distilled.Folder, pointFolder, chain.Select(r => r.Folder).ToList()));
            }
        }
        return new StudyPlan(TeacherPlan.DataSelection(study), study.ValidationCount, seeds[0], roles)
        {
            Config = experiment.ResolvedJson,
            ResultsFile = ExperimentResult.FileName,
            Name = experiment.Settings.Name,
            Description = experiment.Settings.Description,
            Seeds = seeds,
            SweepKeys = experiment.Settings.Sweep?.Parameters.Keys.ToList() ?? [],
            Command = experiment.Command,
            Points = points,
        };
    }
}
