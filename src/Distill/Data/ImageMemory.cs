namespace Distill.Data;

/// <summary>
/// The memory bound of the batches Distill reads on its own account (the statistics pass over a
/// streamed folder, galleries, exports): their row count shrinks with the size of a row, so an input
/// size chosen from the data can never turn a fixed batch of rows into a multi-gigabyte allocation.
/// </summary>
public static class ImageMemory
{
    /// <summary>Most bytes one such batch of float32 inputs may take: 256 MiB.</summary>
    public const long BatchBytes = 256L << 20;

    /// <summary><paramref name="wanted"/> rows, or fewer (at least one) so that they fit <see cref="BatchBytes"/>.</summary>
    public static int RowsPerBatch(int wanted, long bytesPerRow) =>
        (int)Math.Clamp(BatchBytes / Math.Max(1, bytesPerRow), 1, Math.Max(1, wanted));

    /// <summary>Bytes of one float32 row of <paramref name="sampleShape"/>.</summary>
    public static long RowBytes(IEnumerable<long> sampleShape) => sampleShape.Aggregate(1L, (a, b) => a * b) * sizeof(float);
}
