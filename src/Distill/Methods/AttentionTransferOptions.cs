namespace Distill.Methods;

/// <summary>Options of attention transfer (Zagoruyko &amp; Komodakis 2017).</summary>
public sealed record AttentionTransferOptions : IValidatable
{
    /// <summary>Weight of the attention-map loss, summed over the layer pairs (mdistiller: 1000).</summary>
    public double AttentionWeight { get; init; } = 1000;

    /// <summary>Exponent p of the attention map mean_c |f_c|^p (the paper: 2).</summary>
    public double Power { get; init; } = 2;

    /// <summary>Student layers; null takes the last layer of every feature-map resolution both models share.</summary>
    public IReadOnlyList<string>? StudentLayers { get; init; }

    /// <summary>Teacher layers, paired in order with <see cref="StudentLayers"/>; null pairs by resolution.</summary>
    public IReadOnlyList<string>? TeacherLayers { get; init; }

    public void Validate()
    {
        OptionCheck.Weight(AttentionWeight, "at.attentionWeight");
        OptionCheck.Positive(Power, "at.power", 16);
        OptionCheck.Layers(StudentLayers, "at.studentLayers");
        OptionCheck.Layers(TeacherLayers, "at.teacherLayers");
    }

    public override string ToString() => FormattableString.Invariant($"attention={AttentionWeight:g4}");
}
