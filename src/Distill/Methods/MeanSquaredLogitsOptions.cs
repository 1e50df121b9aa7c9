namespace Distill.Methods;

/// <summary>Options of logit MSE (Kim et al. 2021), read from <c>"mse": { ... }</c>.</summary>
public sealed record MeanSquaredLogitsOptions : IValidatable
{
    /// <summary>Weight of the mean squared difference of the logits (the paper's alpha = 1).</summary>
    public double LogitWeight { get; init; } = 1;

    public void Validate() => OptionCheck.Weight(LogitWeight, "mse.logitWeight");

    public override string ToString() => FormattableString.Invariant($"logit MSE={LogitWeight:g4}");
}
