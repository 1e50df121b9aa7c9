using Distill.Studies;

namespace Distill.Experiments;

/// <summary>
/// A resolved experiment: defaults, then the file, then --set overrides, validated. The JSON text is
/// what gets saved as the run's config.json, so `distill run config.json` repeats the run exactly.
/// </summary>
public sealed record Experiment(
    ExperimentSettings Settings,
    StudyOptions Study,
    IReadOnlyList<ExperimentPoint> Points,
    string ResolvedJson,
    string Command)
{
    public bool IsSweep => Settings.Sweep is not null;
}
