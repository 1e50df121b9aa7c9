using System.Globalization;

namespace Distill.Models;

/// <summary>
/// Refuses to train a model that cannot fit in this machine's memory, before any of it is
/// allocated: otherwise the kernel kills the process mid-run (mlp:40000-40000 needs ~26 GB) with no
/// message at all. The estimate is deliberately simple: parameters times four float32 copies
/// (weights, gradients and up to two optimizer moments), plus every layer's output for one batch,
/// kept for the backward pass and matched by its gradient. The data set is not counted because
/// it is already loaded, and so already missing from the memory reported as available.
/// </summary>
public static class MemoryBudget
{
    private const double CopiesPerParameter = 4;
    private const double BytesPerValue = sizeof(float);

    /// <returns>Bytes the training of <paramref name="spec"/> needs, by the estimate above.</returns>
    public static double Estimate(ModelSpec spec, IReadOnlyList<long> inputShape, int classCount, int batchSize)
    {
        var (parameters, largest) = ModelSize.Estimate(spec, inputShape, classCount);
        if (spec.Zoo is not null) return EstimateZoo(spec, inputShape, classCount, batchSize, parameters, largest);
        var activations = (double)batchSize * largest * (spec.Layers.Count + 1) * 2;
        return (parameters * CopiesPerParameter + activations) * BytesPerValue;
    }

    /// <summary>
    /// A zoo model's activations are measured: a throwaway copy runs one input and every leaf layer's
    /// output is counted. Weights too large for this machine are answered without building it.
    /// </summary>
    private static double EstimateZoo(ModelSpec spec, IReadOnlyList<long> inputShape, int classCount, int batchSize, double parameters, double largest)
    {
        var weights = parameters * CopiesPerParameter * BytesPerValue;
        if (weights > AvailableBytes() || largest > ModelSize.MaxActivation)
            return weights + (double)batchSize * largest * 2 * BytesPerValue;
        using var preserved = new RandomStatePreserver();
        using var model = ModelBuilder.Build(spec, inputShape, classCount);
        var cost = ModelCostMeter.Measure(model, inputShape);
        return weights + (double)batchSize * cost.Activations * 2 * BytesPerValue;
    }

    /// <summary>
    /// Refuses, with the estimate, a model needing more than <paramref name="availableBytes"/>
    /// (default: what this machine has available now).
    /// </summary>
    public static void Check(ModelSpec spec, IReadOnlyList<long> inputShape, int classCount, int batchSize, double? availableBytes = null)
    {
        // An absurd spec gets the size limit's own message first.
        ModelSize.Check(spec, inputShape, classCount);
        var needed = Estimate(spec, inputShape, classCount, batchSize);
        var available = availableBytes ?? AvailableBytes();
        if (needed > available)
            throw new DistillException(string.Create(CultureInfo.InvariantCulture,
                $"Model spec '{spec}' needs about {Gigabytes(needed)} to train with batches of {batchSize} (weights, gradients, optimizer state and activations), more than the {Gigabytes(available)} of memory available here."));
    }

    /// <summary>Memory available to this process now: MemAvailable on Linux, what the runtime reports elsewhere.</summary>
    public static double AvailableBytes()
    {
        try
        {
            if (OperatingSystem.IsLinux() && File.Exists("/proc/meminfo"))
            {
                var line = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemAvailable:", StringComparison.Ordinal));
                var kilobytes = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
                if (kilobytes is not null && long.TryParse(kilobytes, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
                    return Math.Min(value * 1024.0, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes);
            }
        }
        catch (IOException)
        {
        }
        return GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
    }

    private static string Gigabytes(double bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1L << 30):0.0} GiB");
}
