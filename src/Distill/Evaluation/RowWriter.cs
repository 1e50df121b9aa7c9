using static TorchSharp.torch;

namespace Distill.Evaluation;

/// <summary>
/// Collects per-batch outputs into one tensor of all rows, allocated once at the first batch
/// (its shape gives the row shape) and filled in place. Keeping every batch's small output alive
/// until a final concatenation would leave thousands of small blocks between the freed
/// activations of later batches, fragmenting the native heap (bench/RESULTS.md, memory), and
/// would need the whole result twice at the end.
/// </summary>
internal sealed class RowWriter(long rows) : IDisposable
{
    private Tensor? _all;

    /// <summary>Copies <paramref name="batch"/> into rows <paramref name="start"/>.. of the result.</summary>
    public void Write(long start, Tensor batch)
    {
        // Created inside the caller's per-batch dispose scope, so taken out of it: this writer owns it.
        _all ??= empty([rows, .. batch.shape[1..]], batch.dtype, batch.device).DetachFromDisposeScope();
        using var target = _all.narrow(0, start, batch.shape[0]);
        target.copy_(batch);
    }

    /// <summary>The filled tensor; the caller owns it and this writer lets go of it.</summary>
    public Tensor Take()
    {
        var all = _all ?? throw new InvalidOperationException("No batch was written.");
        _all = null;
        return all;
    }

    public void Dispose() => _all?.Dispose();
}
