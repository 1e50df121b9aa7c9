using Distill.Methods;

namespace Distill.Studies;

/// <summary>One candidate trained in one round of the search, judged by its best validation accuracy.</summary>
public sealed record TuneTrial(int Round, double Temperature, double HardLabelWeight, double SoftTargetWeight, int Epochs, double ValidationAccuracy);

/// <summary>What <see cref="DistillationTuner"/> chose, every trial it ran, and why in one sentence.</summary>
public sealed record TuneResult(DistillationOptions Chosen, IReadOnlyList<TuneTrial> Trials, string Reason)
{
    public const string FileName = "tune.json";
}
