using Distill.Losses;

namespace Distill.Methods;

/// <summary>Options of reverse-KL distillation, read from <c>"reverse-kl": { ... }</c>.</summary>
public sealed record ReverseKlOptions : IValidatable
{
    /// <summary>Weight of the T^2-scaled KL(student || teacher) (kd's soft-target weight, 0.9).</summary>
    public double DivergenceWeight { get; init; } = 0.9;

    /// <summary>Temperature of both softmaxes (kd's, 4).</summary>
    public double Temperature { get; init; } = 4;

    public void Validate()
    {
        OptionCheck.Weight(DivergenceWeight, "reverse-kl.divergenceWeight");
        OptionCheck.Positive(Temperature, "reverse-kl.temperature", TemperatureCheck.Max);
    }

    public override string ToString() => FormattableString.Invariant($"reverse KL={DivergenceWeight:g4}, T={Temperature:g4}");
}
