using Distill.Losses;

namespace Distill.Methods;

/// <summary>
/// What a distilled student learns from: one method or several joined by '+' (e.g. "kd+at"), the
/// weight of the cross-entropy with the labels, and each method's own options. Every weight is named
/// for the term it scales. Only the options of the methods named in <see cref="Method"/> are used.
/// </summary>
public sealed record DistillationOptions
{
    /// <summary>Method names from the registry (`distill methods`), joined by '+'.</summary>
    public string Method { get; init; } = "kd";

    /// <summary>Softmax temperature T of Hinton KD's soft targets.</summary>
    public double Temperature { get; init; } = 4.0;

    /// <summary>Weight of the cross-entropy with the true labels; null takes the first method's default (0.1 for kd, 1 for most feature methods).</summary>
    public double? HardLabelWeight { get; init; }

    /// <summary>Weight of Hinton KD's T^2-scaled KL divergence to the teacher's soft targets.</summary>
    public double SoftTargetWeight { get; init; } = 0.9;

    public FitNetsOptions Fitnets { get; init; } = new();

    public AttentionTransferOptions At { get; init; } = new();

    public SimilarityPreservingOptions Sp { get; init; } = new();

    public RelationalOptions Rkd { get; init; } = new();

    public ProbabilisticTransferOptions Pkt { get; init; } = new();

    public NeuronSelectivityOptions Nst { get; init; } = new();

    public DecoupledOptions Dkd { get; init; } = new();

    public ContrastiveOptions Crd { get; init; } = new();

    public LogitStandardizationOptions Ls { get; init; } = new();

    /// <summary>The registry entries of <see cref="Method"/>, in order.</summary>
    public IReadOnlyList<MethodDescriptor> Methods() => MethodRegistry.Parse(Method);

    /// <summary>The hard-label weight in force: the one given, or the first method's default.</summary>
    public double ResolvedHardLabelWeight() => HardLabelWeight ?? Methods()[0].DefaultHardLabelWeight;

    public void Validate()
    {
        if (Method is null) throw new DistillException("The distillation options lack a method.");
        var methods = Methods();
        TemperatureCheck.Check(Temperature);
        if (HardLabelWeight is { } hard) OptionCheck.Weight(hard, "hardLabelWeight");
        OptionCheck.Weight(SoftTargetWeight, "softTargetWeight");
        foreach (var method in methods)
            if (method.Options(this) is IValidatable options) options.Validate();
            else if (method.Options(this) is null) throw new DistillException($"The distillation options lack the options of '{method.Name}'.");
        if (methods.Count == 1 && methods[0].Name == "kd" && ResolvedHardLabelWeight() == 0 && SoftTargetWeight == 0)
            throw new DistillException("The hard-label weight and the soft-target weight cannot both be 0.");
    }

    public override string ToString()
    {
        var parts = new List<string>();
        if (Method != "kd") parts.Add(Method);
        var methods = Methods();
        if (methods.Any(m => m.Name == "kd")) parts.Add(FormattableString.Invariant($"T={Temperature:g4}"));
        parts.Add(FormattableString.Invariant($"hard={ResolvedHardLabelWeight():g4}"));
        if (methods.Any(m => m.Name == "kd")) parts.Add(FormattableString.Invariant($"soft={SoftTargetWeight:g4}"));
        foreach (var method in methods.Where(m => m.Name != "kd")) parts.Add(method.Options(this).ToString()!);
        return string.Join(", ", parts);
    }
}
