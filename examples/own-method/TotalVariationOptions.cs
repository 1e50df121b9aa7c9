using Distill.Methods;

namespace Examples;

/// <summary>Options of <see cref="TotalVariation"/>: its temperature and the weight of its term.</summary>
public sealed record TotalVariationOptions : IValidatable
{
    /// <summary>Softmax temperature T of both distributions.</summary>
    public double Temperature { get; init; } = 1;

    /// <summary>Weight of the total variation distance.</summary>
    public double TotalVariationWeight { get; init; } = 1;

    public void Validate()
    {
        OptionCheck.Positive(Temperature, "total-variation.temperature", 100);
        OptionCheck.Weight(TotalVariationWeight, "total-variation.totalVariationWeight");
    }

    public override string ToString() => FormattableString.Invariant($"total variation={TotalVariationWeight:g4}, T={Temperature:g4}");
}
