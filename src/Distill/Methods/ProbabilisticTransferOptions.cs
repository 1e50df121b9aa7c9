namespace Distill.Methods;

/// <summary>Options of probabilistic knowledge transfer (Passalis &amp; Tefas 2018).</summary>
public sealed record ProbabilisticTransferOptions : IValidatable
{
    /// <summary>Weight of the KL between the two models' conditional-probability kernels (mdistiller: 30000).</summary>
    public double ProbabilityWeight { get; init; } = 30000;

    /// <summary>Student layer; null takes the embedding (the classifier's input).</summary>
    public string? StudentLayer { get; init; }

    /// <summary>Teacher layer; null takes the embedding (the classifier's input).</summary>
    public string? TeacherLayer { get; init; }

    public void Validate() => OptionCheck.Weight(ProbabilityWeight, "pkt.probabilityWeight");

    public override string ToString() => FormattableString.Invariant($"pkt={ProbabilityWeight:g4}");
}
