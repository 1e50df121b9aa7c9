namespace Distill.Losses;

/// <summary>Hyperparameters of logit distillation; each weight is named for the term it scales.</summary>
public sealed record DistillationOptions
{
    /// <summary>Softmax temperature T for both teacher and student soft targets.</summary>
    public double Temperature { get; init; } = 4.0;

    /// <summary>Weight of the cross-entropy with the true labels.</summary>
    public double HardLabelWeight { get; init; } = 0.1;

    /// <summary>Weight of the T^2-scaled KL divergence to the teacher's soft targets.</summary>
    public double SoftTargetWeight { get; init; } = 0.9;

    public void Validate()
    {
        TemperatureCheck.Check(Temperature);
        CheckWeight(HardLabelWeight, nameof(HardLabelWeight));
        CheckWeight(SoftTargetWeight, nameof(SoftTargetWeight));
        if (HardLabelWeight == 0 && SoftTargetWeight == 0)
            throw new DistillException("The hard-label weight and the soft-target weight cannot both be 0.");
    }

    public override string ToString() =>
        FormattableString.Invariant($"T={Temperature:g4}, hard={HardLabelWeight:g4}, soft={SoftTargetWeight:g4}");

    /// <summary>Largest loss weight accepted: far above any published setting (FitNets' 100, AT's 1000), far below overflow.</summary>
    public const double MaxWeight = 1e6;

    private static void CheckWeight(double weight, string name)
    {
        if (!(weight >= 0) || double.IsInfinity(weight))
            throw new DistillException(FormattableString.Invariant($"{name} must be a finite number of 0 or more, not {weight}."));
        if (weight > MaxWeight)
            throw new DistillException(FormattableString.Invariant($"{name} must be at most {MaxWeight:G}, not {weight}."));
    }
}
