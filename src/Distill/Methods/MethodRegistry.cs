namespace Distill.Methods;

/// <summary>
/// Every distillation method by name. A study names one (<c>kd</c>) or several joined by '+'
/// (<c>kd+at</c>): each adds its own named terms to the one cross-entropy with the labels.
/// </summary>
public static class MethodRegistry
{
    public static IReadOnlyList<MethodDescriptor> All { get; } =
    [
        HintonKd.Descriptor,
        FitNets.Descriptor,
        AttentionTransfer.Descriptor,
        SimilarityPreserving.Descriptor,
        Relational.Descriptor,
        ProbabilisticTransfer.Descriptor,
        NeuronSelectivity.Descriptor,
        Decoupled.Descriptor,
        Contrastive.Descriptor,
        LogitStandardization.Descriptor,
    ];

    public static MethodDescriptor Find(string name) =>
        All.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new DistillException($"There is no distillation method '{name}'; the methods are {string.Join(", ", All.Select(m => m.Name))}.");

    /// <summary>The methods of "a+b+c", in order; a method named twice is an error.</summary>
    public static IReadOnlyList<MethodDescriptor> Parse(string methods)
    {
        var names = methods.Split('+', StringSplitOptions.TrimEntries);
        if (names.Any(n => n.Length == 0))
            throw new DistillException($"The method '{methods}' has an empty part; name methods joined by '+', e.g. kd+at.");
        var found = names.Select(Find).ToList();
        if (found.Select(m => m.Name).Distinct().Count() != found.Count)
            throw new DistillException($"The method '{methods}' names a method twice.");
        return found;
    }
}
