namespace Distill.Deployment;

/// <summary>How long to time each model, runtime and batch size.</summary>
public sealed record LatencyOptions
{
    /// <summary>Batch sizes to time: 1 is the single-request latency, 64 a batched server's.</summary>
    public IReadOnlyList<int> BatchSizes { get; init; } = [1, 64];

    /// <summary>Untimed forward passes first, so allocators, caches and thread pools are warm.</summary>
    public int WarmupRuns { get; init; } = 10;

    /// <summary>At least this many timed runs, so the 95th percentile rests on 20 or more above it.</summary>
    public int MinimumRuns { get; init; } = 400;

    /// <summary>And at least this long timing, whichever ends later.</summary>
    public double MinimumSeconds { get; init; } = 1.0;

    /// <summary>Stop after this long even short of <see cref="MinimumRuns"/> (once 20 are timed), for slow models.</summary>
    public double MaximumSeconds { get; init; } = 20.0;

    /// <summary>Threads both runtimes may use; null leaves each its default (TorchSharp: OMP_NUM_THREADS or all cores; ONNX Runtime: one per physical core).</summary>
    public int? Threads { get; init; }

    /// <summary>The assembly holding the type of a model saved from a user's own module (<see cref="Models.ModelStore.Load"/>); null for spec models.</summary>
    public string? Assembly { get; init; }

    public void Validate()
    {
        if (Threads is < 1 or > 1024) throw new DistillException($"The threads must be between 1 and 1024, not {Threads}.");
        if (BatchSizes.Count == 0 || BatchSizes.Any(b => b is < 1 or > 65536))
            throw new DistillException($"The batch sizes must be between 1 and 65536, not {string.Join(", ", BatchSizes)}.");
        if (WarmupRuns < 0) throw new DistillException($"The warm-up runs must be 0 or more, not {WarmupRuns}.");
        if (MinimumRuns < 1) throw new DistillException($"The minimum runs must be 1 or more, not {MinimumRuns}.");
        if (MinimumSeconds is < 0 or > 3600 || double.IsNaN(MinimumSeconds)) throw new DistillException($"The minimum seconds must be between 0 and 3600, not {MinimumSeconds}.");
        if (MaximumSeconds < MinimumSeconds || double.IsNaN(MaximumSeconds)) throw new DistillException($"The maximum seconds must be at least the minimum ({MinimumSeconds}), not {MaximumSeconds}.");
    }
}
