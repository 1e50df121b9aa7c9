using Distill.Losses;

namespace Distill.Methods;

/// <summary>Options of decoupled KD (Zhao et al. 2022): target-class (TCKD) and non-target-class (NCKD) parts of the KD loss, weighted apart.</summary>
public sealed record DecoupledOptions : IValidatable
{
    /// <summary>Weight of TCKD, the paper's alpha (1).</summary>
    public double TargetClassWeight { get; init; } = 1;

    /// <summary>Weight of NCKD, the paper's beta (8 on CIFAR-100).</summary>
    public double NonTargetClassWeight { get; init; } = 8;

    /// <summary>Temperature of both parts (4).</summary>
    public double Temperature { get; init; } = 4;

    /// <summary>Epochs over which both weights ramp up linearly from 0 (20 in the paper's 240-epoch schedule; 0 turns it off).</summary>
    public int WarmupEpochs { get; init; } = 20;

    public void Validate()
    {
        OptionCheck.Weight(TargetClassWeight, "dkd.targetClassWeight");
        OptionCheck.Weight(NonTargetClassWeight, "dkd.nonTargetClassWeight");
        OptionCheck.Positive(Temperature, "dkd.temperature", TemperatureCheck.Max);
        OptionCheck.Count(WarmupEpochs, "dkd.warmupEpochs", 0, 100_000);
    }

    public override string ToString() =>
        FormattableString.Invariant($"tckd={TargetClassWeight:g4}, nckd={NonTargetClassWeight:g4}, T={Temperature:g4}, warm-up {WarmupEpochs} ep");
}
