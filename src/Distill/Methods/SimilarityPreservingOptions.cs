namespace Distill.Methods;

/// <summary>Options of similarity-preserving KD (Tung &amp; Mori 2019).</summary>
public sealed record SimilarityPreservingOptions : IValidatable
{
    /// <summary>Weight of the similarity-matrix loss (mdistiller: 3000).</summary>
    public double SimilarityWeight { get; init; } = 3000;

    /// <summary>Student layer; null takes the last feature map (the embedding for models without one).</summary>
    public string? StudentLayer { get; init; }

    /// <summary>Teacher layer; null takes the last feature map (the embedding for models without one).</summary>
    public string? TeacherLayer { get; init; }

    public void Validate() => OptionCheck.Weight(SimilarityWeight, "sp.similarityWeight");

    public override string ToString() => FormattableString.Invariant($"similarity={SimilarityWeight:g4}");
}
