using Distill.Methods;

namespace Distill.Tests.Extending;

/// <summary>Options of logit regression (Ba &amp; Caruana 2014), read from <c>"logit-mse": { ... }</c>.</summary>
public sealed record LogitMseOptions : IValidatable
{
    /// <summary>Weight of the logit MSE.</summary>
    public double LogitWeight { get; init; } = 1;

    /// <summary>Subtract each sample's mean logit from both models' logits first.</summary>
    public bool Centered { get; init; }

    public void Validate() => OptionCheck.Weight(LogitWeight, "logit-mse.logitWeight");

    public override string ToString() => FormattableString.Invariant($"logit MSE={LogitWeight:g4}{(Centered ? ", centred" : "")}");
}
