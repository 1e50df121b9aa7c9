using System.Collections.Concurrent;
using static TorchSharp.torch;

namespace Distill.Data;

/// <summary>
/// Reads the batches of an epoch ahead of the training loop: a background task asks the store for
/// each batch in order (the store decodes its images on several workers) and hands them over through
/// a queue of at most <see cref="Capacity"/> batches, so memory holds a few batches whatever the size
/// of the data set, and decoding overlaps the training steps. The order of batches is the order of
/// <c>rows</c>, so results do not depend on the number of workers.
/// </summary>
public static class BatchPrefetcher
{
    /// <summary>Batches decoded ahead of the one being trained on.</summary>
    public const int Capacity = 3;

    /// <summary>(rows, inputs) per batch of <paramref name="rows"/>; the caller disposes both.</summary>
    public static IEnumerable<(Tensor Rows, Tensor Inputs)> Stream(IRowStore store, IEnumerable<Tensor> rows)
    {
        // The row order is drawn here, on the caller's thread, before any reading starts.
        var batches = new List<long[]>();
        foreach (var batch in rows)
            using (batch) batches.Add(batch.data<long>().ToArray());
        using var queue = new BlockingCollection<Tensor>(Capacity);
        using var stop = new CancellationTokenSource();
        var producer = Task.Run(() =>
        {
            try
            {
                foreach (var batch in batches)
                {
                    var inputs = store.Read(batch);
                    try
                    {
                        queue.Add(inputs, stop.Token);
                    }
                    catch
                    {
                        inputs.Dispose();
                        throw;
                    }
                }
            }
            finally
            {
                queue.CompleteAdding();
            }
        });
        try
        {
            foreach (var batch in batches)
            {
                if (!queue.TryTake(out var inputs, Timeout.Infinite))
                {
                    // The producer stopped early: its exception (a corrupt image) is the reason.
                    producer.GetAwaiter().GetResult();
                    throw new InvalidOperationException("The batch reader stopped before the end of the epoch.");
                }
                yield return (tensor(batch, ScalarType.Int64), inputs);
            }
        }
        finally
        {
            stop.Cancel();
            while (queue.TryTake(out var left)) left.Dispose();
            try
            {
                producer.Wait();
            }
            catch (AggregateException) when (stop.IsCancellationRequested)
            {
                // Cancelled by an early exit of the consumer, or a failure already reported.
            }
            while (queue.TryTake(out var left)) left.Dispose();
        }
    }
}
