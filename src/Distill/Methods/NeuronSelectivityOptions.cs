namespace Distill.Methods;

/// <summary>Options of neuron selectivity transfer (Huang &amp; Wang 2017).</summary>
public sealed record NeuronSelectivityOptions : IValidatable
{
    /// <summary>Weight of the MMD between the channel distributions, summed over the layer pairs (mdistiller: 50).</summary>
    public double MmdWeight { get; init; } = 50;

    /// <summary>Student layers; null takes the last layer of every feature-map resolution both models share.</summary>
    public IReadOnlyList<string>? StudentLayers { get; init; }

    /// <summary>Teacher layers, paired in order with <see cref="StudentLayers"/>; null pairs by resolution.</summary>
    public IReadOnlyList<string>? TeacherLayers { get; init; }

    public void Validate()
    {
        OptionCheck.Weight(MmdWeight, "nst.mmdWeight");
        OptionCheck.Layers(StudentLayers, "nst.studentLayers");
        OptionCheck.Layers(TeacherLayers, "nst.teacherLayers");
    }

    public override string ToString() => FormattableString.Invariant($"mmd={MmdWeight:g4}");
}
