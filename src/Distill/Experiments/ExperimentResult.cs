using System.Text.Json.Serialization;
using Distill.Studies;

namespace Distill.Experiments;

/// <summary>
/// Everything a run produced (results.json, or experiment.json for `distill run`): its teacher, and
/// for every seed and sweep point a scratch and a distilled student. A study (compare, quickstart) is
/// the case of one seed and one point; a run that compares nothing (train, distill) has no points and
/// keeps its models in <see cref="Unpaired"/>.
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
    ModelOutcome? Teacher,
    IReadOnlyList<PointRun> Runs,
    string Command,
    DateTimeOffset Finished)
{
    /// <summary>The results of `distill run`.</summary>
    public const string FileName = "experiment.json";

    /// <summary>The results of every other command that runs a study (compare, quickstart, train, distill).</summary>
    public const string ResultsFileName = "results.json";

    public bool IsSweep => SweepKeys.Count > 0;

    /// <summary>Whether the run compares a distilled student with its scratch twin under a teacher (every study and experiment does; train and distill do not).</summary>
    public bool IsComparison => Teacher is not null && Runs.Count > 0;

    /// <summary>The run's other teachers, each measured on its own: an ensemble's members, a capacity sweep's teachers; empty for one teacher.</summary>
    public IReadOnlyList<ModelOutcome> Members { get; init; } = [];

    /// <summary>Models outside any point's scratch and distilled pair: train's model, distill's student; empty for a comparison.</summary>
    public IReadOnlyList<ModelOutcome> Unpaired { get; init; } = [];

    /// <summary>The data's class names in label order; null in older results.</summary>
    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>The teacher of a comparison, which <see cref="IsComparison"/> guarantees.</summary>
    [JsonIgnore]
    public ModelOutcome ComparedTeacher => Teacher ?? throw new DistillException($"The results in '{RunDirectory}' have no teacher to compare with.");

    /// <summary>The first model, in table order, that played <paramref name="role"/>; null if none did.</summary>
    public ModelOutcome? Find(ModelRole role) => Models.FirstOrDefault(m => m.Role == role);

    /// <summary>Test errors the first point's distilled student saves over its scratch twin (positive is better); null without a pair.</summary>
    [JsonIgnore]
    public long? ErrorsSavedByDistillation => Runs.Count > 0 ? Runs[0].Scratch.TestErrors - Runs[0].Distilled.TestErrors : null;

    /// <summary>
    /// Every model once, in table order: the members, the teacher, the unpaired models, then each
    /// point's scratch (once, where points share it), distilled student and a chain's others.
    /// </summary>
    [JsonIgnore]
    public IReadOnlyList<ModelOutcome> Models
    {
        get
        {
            var all = new List<ModelOutcome>([.. Members, .. Teacher is null ? [] : new[] { Teacher }, .. Unpaired]);
            foreach (var run in Runs)
            {
                // A scratch baseline shared by several points is one model (one weights file).
                if (!all.Any(m => m.WeightsPath == run.Scratch.WeightsPath)) all.Add(run.Scratch);
                all.Add(run.Distilled);
                all.AddRange(run.Others);
            }
            return all;
        }
    }
}
