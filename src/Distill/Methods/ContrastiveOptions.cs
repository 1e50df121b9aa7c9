namespace Distill.Methods;

/// <summary>Options of contrastive representation distillation (Tian et al. 2020), RepDistiller's defaults.</summary>
public sealed record ContrastiveOptions : IValidatable
{
    /// <summary>Weight of the contrastive (NCE) loss (RepDistiller: 0.8).</summary>
    public double ContrastWeight { get; init; } = 0.8;

    /// <summary>Size of the shared embedding both models are projected into (128).</summary>
    public int FeatureDimension { get; init; } = 128;

    /// <summary>Negatives drawn from the memory bank per sample (16384; at most the training rows less one).</summary>
    public int Negatives { get; init; } = 16384;

    /// <summary>Temperature of the contrastive scores (0.07).</summary>
    public double Temperature { get; init; } = 0.07;

    /// <summary>Momentum of the memory bank's update (0.5).</summary>
    public double Momentum { get; init; } = 0.5;

    /// <summary>Student layer; null takes the embedding (the classifier's input).</summary>
    public string? StudentLayer { get; init; }

    /// <summary>Teacher layer; null takes the embedding (the classifier's input).</summary>
    public string? TeacherLayer { get; init; }

    public void Validate()
    {
        OptionCheck.Weight(ContrastWeight, "crd.contrastWeight");
        OptionCheck.Count(FeatureDimension, "crd.featureDimension", 1, 65_536);
        OptionCheck.Count(Negatives, "crd.negatives", 1, 1_000_000);
        OptionCheck.Positive(Temperature, "crd.temperature", 100);
        if (!(Momentum >= 0 && Momentum < 1))
            throw new DistillException(FormattableString.Invariant($"The option 'crd.momentum' must be at least 0 and below 1, not {Momentum}."));
    }

    public override string ToString() => FormattableString.Invariant($"contrast={ContrastWeight:g4}, {Negatives} negatives");
}
