namespace Distill.Studies;

/// <summary>
/// The search <c>--tune</c> runs before the distilled student trains: Hinton KD's temperature and
/// soft-target weight (the hard-label weight is 1 minus it), chosen on the validation split by
/// successive halving.
/// </summary>
public sealed record TuneOptions
{
    /// <summary>Temperatures tried.</summary>
    public IReadOnlyList<double> Temperatures { get; init; } = [2, 4, 8];

    /// <summary>Soft-target weights tried; each candidate's hard-label weight is 1 minus its soft weight.</summary>
    public IReadOnlyList<double> SoftWeights { get; init; } = [0.5, 0.7, 0.9];

    /// <summary>Each round keeps the best 1/Reduction of the candidates and trains them Reduction times longer.</summary>
    public int Reduction { get; init; } = 3;

    public void Validate()
    {
        if (Temperatures is null || SoftWeights is null || Temperatures.Count == 0 || SoftWeights.Count == 0)
            throw new DistillException("The tuning search needs at least one temperature and one soft-target weight.");
        if (Temperatures.Count * SoftWeights.Count > 100)
            throw new DistillException($"The tuning search holds {Temperatures.Count * SoftWeights.Count} candidates; at most 100 are allowed.");
        foreach (var t in Temperatures) Losses.TemperatureCheck.Check(t);
        foreach (var w in SoftWeights)
            if (!(w >= 0 && w <= 1)) throw new DistillException($"A tuning soft-target weight must be from 0 to 1 (the hard weight is 1 minus it), not {w}.");
        if (Reduction < 2) throw new DistillException($"The tuning reduction factor must be at least 2, not {Reduction}.");
    }
}
