using System.Globalization;
using Distill.Pruning;

namespace Distill.Studies;

/// <summary>
/// Where a <see cref="ModelRole.Pruned"/> role starts: a finished model's weights, pruned before the role
/// fine-tunes them (<c>distill prune</c>, <c>distill deploy</c>). Magnitude pruning keeps its masks through
/// the fine-tune (<see cref="MaskedObjective"/>); channel pruning makes a narrower model of its own spec.
/// Pruning is deterministic, so a resumed role prunes the same weights again and continues from its checkpoint.
/// </summary>
/// <param name="Weights">The finished model (its best.bin with its card).</param>
/// <param name="Sparsity">Share of the convolution and dense weights zeroed by magnitude; null prunes no weights.</param>
/// <param name="Scope">Where the magnitude threshold is drawn.</param>
/// <param name="ChannelFraction">Share of each layer's channels removed (mlp: and cnn: models); null removes none.</param>
/// <param name="FineTune">False: the pruned model is saved and tested as it is, without training (<c>--epochs 0</c>).</param>
public sealed record PruningStart(string Weights, double? Sparsity = null, PruningScope Scope = PruningScope.Global, double? ChannelFraction = null, bool FineTune = true)
{
    /// <summary>The weights in <paramref name="weights"/> with <paramref name="sparsity"/> of them zeroed by magnitude.</summary>
    public static PruningStart Magnitude(string weights, double sparsity, PruningScope scope) => new(weights, Sparsity: sparsity, Scope: scope);

    /// <summary>The model in <paramref name="weights"/> without <paramref name="fraction"/> of each layer's channels.</summary>
    public static PruningStart Channels(string weights, double fraction) => new(weights, ChannelFraction: fraction);

    /// <summary>For hyperparameters in tables: "pruned 50 % by magnitude (global)", "25 % of channels removed".</summary>
    public override string ToString()
    {
        var c = CultureInfo.InvariantCulture;
        var parts = new List<string>();
        if (ChannelFraction is { } fraction) parts.Add($"{(fraction * 100).ToString("0.#", c)} % of channels removed");
        if (Sparsity is { } sparsity) parts.Add($"pruned {(sparsity * 100).ToString("0.#", c)} % by magnitude ({Scope.ToString().ToLowerInvariant()})");
        return string.Join(", ", parts) + (FineTune ? "" : ", not fine-tuned");
    }
}
