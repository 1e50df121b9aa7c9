namespace Distill.Methods;

/// <summary>Options of FitNets hints (Romero et al. 2015): a regressor maps a student layer onto a teacher layer, MSE between them.</summary>
public sealed record FitNetsOptions : IValidatable
{
    /// <summary>Weight of the hint MSE (mdistiller: 100).</summary>
    public double HintWeight { get; init; } = 100;

    /// <summary>Student layer (module path); null takes the middle feature-map stage both models share.</summary>
    public string? StudentLayer { get; init; }

    /// <summary>Teacher layer (module path); null takes the teacher's layer at the same stage.</summary>
    public string? TeacherLayer { get; init; }

    public void Validate() => OptionCheck.Weight(HintWeight, "fitnets.hintWeight");

    public override string ToString() => FormattableString.Invariant($"hint={HintWeight:g4}");
}
