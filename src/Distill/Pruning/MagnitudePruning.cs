using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distill.Pruning;

/// <summary>
/// Unstructured magnitude pruning (Han et al., "Learning both Weights and Connections for Efficient
/// Neural Networks", NeurIPS 2015): the weights of smallest absolute value in every convolution and
/// dense layer (kernels and matrices; biases and batch norms are kept) are set to zero, exactly
/// round(sparsity x count) of them, over the whole model or in each layer. Ties are broken by position,
/// so the count is exact even among equal magnitudes.
/// </summary>
public static class MagnitudePruning
{
    /// <summary>The weights magnitude pruning considers: every parameter named weight with 2 or more dimensions.</summary>
    public static IReadOnlyList<(string Name, Parameter Weight)> PrunableWeights(nn.Module model) =>
        [.. model.named_parameters().Where(p => p.name.EndsWith("weight", StringComparison.Ordinal) && p.parameter.dim() >= 2)];

    /// <summary>Prunes <paramref name="model"/> in place to <paramref name="sparsity"/> (0 to 1) and returns the masks that keep it so.</summary>
    public static PruningMasks Prune(nn.Module model, double sparsity, PruningScope scope)
    {
        if (!(sparsity >= 0 && sparsity < 1))
            throw new DistillException($"The sparsity must be at least 0 and below 1, not {sparsity}.");
        var weights = PrunableWeights(model);
        if (weights.Count == 0) throw new DistillException("The model has no convolution or dense weights to prune.");
        var masks = new List<(string, Parameter, Tensor)>();
        using (no_grad())
        {
            if (scope == PruningScope.PerLayer)
            {
                foreach (var (name, weight) in weights)
                    masks.Add((name, weight, MaskOf(weight.detach().abs().flatten(), Count(sparsity, weight.numel())).reshape(weight.shape)));
            }
            else
            {
                using var scores = cat(weights.Select(w => w.Weight.detach().abs().flatten()).ToList());
                using var all = MaskOf(scores, Count(sparsity, scores.numel()));
                long offset = 0;
                foreach (var (name, weight) in weights)
                {
                    masks.Add((name, weight, all.narrow(0, offset, weight.numel()).reshape(weight.shape).clone()));
                    offset += weight.numel();
                }
            }
        }
        var result = new PruningMasks(masks);
        result.Apply();
        return result;
    }

    private static long Count(double sparsity, long total) => (long)Math.Round(sparsity * total, MidpointRounding.AwayFromZero);

    /// <summary>A 0/1 mask with zeros at the <paramref name="pruned"/> smallest scores (stable order breaks ties).</summary>
    private static Tensor MaskOf(Tensor scores, long pruned)
    {
        using var scope = NewDisposeScope();
        var mask = ones_like(scores);
        if (pruned > 0)
        {
            var (_, order) = scores.sort(0, descending: false, stable: true);
            mask.index_fill_(0, order.narrow(0, 0, pruned), 0);
        }
        return mask.MoveToOuterDisposeScope();
    }
}
