using Distill.Runs;
using Distill.Studies;

namespace Distill.Experiments;

/// <summary>
/// Everything an experiment produced (experiment.json): one teacher, and for every seed and sweep
/// point a scratch and a distilled student. A plain study is the case of one seed and one point.
/// </summary>
public sealed record ExperimentResult(
    string Name,
    string? Description,
    string RunDirectory,
    string Dataset,
    long TestCount,
    int ValidationCount,
    IReadOnlyList<int> Seeds,
    IReadOnlyList<string> SweepKeys,
    ModelOutcome Teacher,
    IReadOnlyList<PointRun> Runs,
    string Command,
    DateTimeOffset Finished)
{
    public const string FileName = "experiment.json";

    public bool IsSweep => SweepKeys.Count > 0;

    /// <summary>The run's other teachers, each measured on its own: an ensemble's members, a capacity sweep's teachers; empty for one teacher.</summary>
    public IReadOnlyList<ModelOutcome> Members { get; init; } = [];

    /// <summary>The data's class names in label order; null in older results.</summary>
    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>
    /// A study run by compare/quickstart, seen as an experiment of one seed and no sweep; its validation
    /// count is the one the study records, else <paramref name="validationCount"/> (older results).
    /// </summary>
    public static ExperimentResult FromStudy(StudyResult study, int seed, int? validationCount = null)
    {
        var teacher = study.Find(ModelRole.Teacher) ?? throw new DistillException($"The results in '{study.RunDirectory}' have no teacher.");
        var scratch = study.Find(ModelRole.Scratch) ?? throw new DistillException($"The results in '{study.RunDirectory}' have no scratch student.");
        var distilled = study.Find(ModelRole.Distilled) ?? throw new DistillException($"The results in '{study.RunDirectory}' have no distilled student.");
        var others = study.Models.Where(m => m != distilled && m.Role is ModelRole.Assistant or ModelRole.Distilled or ModelRole.Peer).ToList();
        return new ExperimentResult("Distillation study", null, study.RunDirectory, study.Dataset, study.TestCount, (int)(study.ValidationCount ?? validationCount ?? 0), [seed], [], teacher,
            [new PointRun(SweepPoint.Base, seed, scratch, distilled, study.RunDirectory) { Others = others }], RepeatCommand.Read(study.RunDirectory) ?? "distill compare (its flags are in config.json)", study.Finished)
        {
            ClassNames = study.ClassNames,
            Members = study.Models.Where(m => m.Role is ModelRole.Member or ModelRole.SweepTeacher).ToList(),
        };
    }
}
