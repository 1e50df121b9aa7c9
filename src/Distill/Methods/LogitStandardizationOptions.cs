using Distill.Losses;

namespace Distill.Methods;

/// <summary>Options of KD on standardized logits (Sun et al. 2024).</summary>
public sealed record LogitStandardizationOptions : IValidatable
{
    /// <summary>Weight of the T^2-scaled KL between the z-scored logits' soft targets (the authors' KD setting: 9).</summary>
    public double StandardizedKlWeight { get; init; } = 9;

    /// <summary>Base temperature applied to the z-scored logits (the authors': 2).</summary>
    public double Temperature { get; init; } = 2;

    public void Validate()
    {
        OptionCheck.Weight(StandardizedKlWeight, "ls.standardizedKlWeight");
        OptionCheck.Positive(Temperature, "ls.temperature", TemperatureCheck.Max);
    }

    public override string ToString() => FormattableString.Invariant($"standardized KL={StandardizedKlWeight:g4}, T={Temperature:g4}");
}
