namespace Distill.Methods;

/// <summary>Options of relational KD (Park et al. 2019): distance and angle relations between the samples of a batch.</summary>
public sealed record RelationalOptions : IValidatable
{
    /// <summary>Weight of the distance term (mdistiller: 25).</summary>
    public double DistanceWeight { get; init; } = 25;

    /// <summary>Weight of the angle term (mdistiller: 50).</summary>
    public double AngleWeight { get; init; } = 50;

    /// <summary>Student layer; null takes the embedding (the classifier's input).</summary>
    public string? StudentLayer { get; init; }

    /// <summary>Teacher layer; null takes the embedding (the classifier's input).</summary>
    public string? TeacherLayer { get; init; }

    public void Validate()
    {
        OptionCheck.Weight(DistanceWeight, "rkd.distanceWeight");
        OptionCheck.Weight(AngleWeight, "rkd.angleWeight");
    }

    public override string ToString() => FormattableString.Invariant($"distance={DistanceWeight:g4}, angle={AngleWeight:g4}");
}
