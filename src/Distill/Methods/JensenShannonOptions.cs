using Distill.Losses;

namespace Distill.Methods;

/// <summary>Options of generalized Jensen-Shannon distillation (GKD), read from <c>"jsd": { ... }</c>.</summary>
public sealed record JensenShannonOptions : IValidatable
{
    /// <summary>Weight of the T^2-scaled divergence (kd's soft-target weight, 0.9).</summary>
    public double DivergenceWeight { get; init; } = 0.9;

    /// <summary>The mixture weight of the teacher: 0 is forward KL, 1 reverse KL (GKD's and TRL's default, 0.5).</summary>
    public double Beta { get; init; } = 0.5;

    /// <summary>Temperature of both softmaxes (kd's, 4).</summary>
    public double Temperature { get; init; } = 4;

    public void Validate()
    {
        OptionCheck.Weight(DivergenceWeight, "jsd.divergenceWeight");
        if (!(Beta >= 0 && Beta <= 1)) throw new DistillException(FormattableString.Invariant($"The option 'jsd.beta' must be a number from 0 to 1, not {Beta}."));
        OptionCheck.Positive(Temperature, "jsd.temperature", TemperatureCheck.Max);
    }

    public override string ToString() => FormattableString.Invariant($"JSD={DivergenceWeight:g4}, beta={Beta:g4}, T={Temperature:g4}");
}
