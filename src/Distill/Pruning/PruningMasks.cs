using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distill.Pruning;

/// <summary>
/// Which weights of a model are pruned: a 0/1 mask per weight tensor. <see cref="Apply"/> zeroes the
/// pruned weights again; fine-tuning calls it after every optimizer step, so they stay zero whatever
/// the optimizer's momentum or weight decay does.
/// </summary>
public sealed class PruningMasks : IDisposable
{
    private readonly List<(string Name, Parameter Weight, Tensor Mask)> _masks;

    internal PruningMasks(List<(string Name, Parameter Weight, Tensor Mask)> masks) => _masks = masks;

    /// <summary>The pruned weight tensors by module path, and how many of their values are pruned.</summary>
    public IReadOnlyList<(string Name, long Pruned, long Total)> Layers =>
        [.. _masks.Select(m => (m.Name, m.Mask.numel() - m.Mask.count_nonzero().item<long>(), m.Mask.numel()))];

    /// <summary>Pruned weights over prunable weights.</summary>
    public double Sparsity
    {
        get
        {
            var layers = Layers;
            return (double)layers.Sum(l => l.Pruned) / Math.Max(1, layers.Sum(l => l.Total));
        }
    }

    /// <summary>Sets every pruned weight to zero.</summary>
    public void Apply()
    {
        using var noGrad = no_grad();
        foreach (var (_, weight, mask) in _masks) weight.mul_(mask);
    }

    public void Dispose()
    {
        foreach (var (_, _, mask) in _masks) mask.Dispose();
    }
}
