using Distill.Methods;

namespace Examples;

/// <summary>Options of <see cref="ReverseKl"/>: its temperature and the weight of its term.</summary>
public sealed record ReverseKlOptions : IValidatable
{
    /// <summary>Softmax temperature T of both distributions.</summary>
    public double Temperature { get; init; } = 1;

    /// <summary>Weight of the T^2-scaled reverse KL divergence.</summary>
    public double ReverseKlWeight { get; init; } = 1;

    public void Validate()
    {
        OptionCheck.Positive(Temperature, "reverse-kl.temperature", 100);
        OptionCheck.Weight(ReverseKlWeight, "reverse-kl.reverseKlWeight");
    }

    public override string ToString() => FormattableString.Invariant($"reverse KL={ReverseKlWeight:g4}, T={Temperature:g4}");
}
