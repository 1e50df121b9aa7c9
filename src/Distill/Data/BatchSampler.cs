using static TorchSharp.torch;

namespace Distill.Data;

/// <summary>
/// Splits row indices into mini-batches. Shuffling draws from its own seeded generator, so the
/// batch order depends only on the seed and the epoch, never on what else consumed randomness.
/// </summary>
public sealed class BatchSampler
{
    private readonly long _count;
    private readonly int _batchSize;
    private readonly Generator? _generator;

    public BatchSampler(long count, int batchSize, bool shuffle, long seed = 0)
    {
        if (batchSize <= 0) throw new DistillException($"The batch size must be positive, not {batchSize}.");
        _count = count;
        _batchSize = batchSize;
        _generator = shuffle ? new Generator((ulong)seed) : null;
    }

    public int BatchesPerEpoch => (int)((_count + _batchSize - 1) / _batchSize);

    /// <summary>The generator behind the shuffling, for checkpointing its state.</summary>
    public Generator? Generator => _generator;

    /// <summary>One epoch of int64 index tensors; the caller disposes each.</summary>
    public IEnumerable<Tensor> Epoch()
    {
        using var order = _generator is null ? arange(_count, ScalarType.Int64) : randperm(_count, generator: _generator);
        for (long start = 0; start < _count; start += _batchSize)
        {
            // The view is held (and freed) here: a chained temporary outside any dispose scope can be
            // finalized while libtorch still clones it in an optimized build (seen as a segfault in
            // at::native::clone during a Release quickstart).
            using var slice = order.narrow(0, start, Math.Min(_batchSize, _count - start));
            yield return slice.clone();
        }
    }
}
