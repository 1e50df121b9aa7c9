using static TorchSharp.torch;

namespace Distill.Data;

/// <summary>
/// The inputs of every row in order, a batch at a time, for passes that need no labels (logits,
/// teacher caches): views of an in-memory tensor, or decoded ahead by background workers when the
/// data set is streamed. The caller disposes each batch.
/// </summary>
public static class InputBatches
{
    public static IEnumerable<Tensor> Of(Tensor features, int batchSize)
    {
        var count = features.shape[0];
        for (long start = 0; start < count; start += batchSize)
            yield return features.narrow(0, start, Math.Min(batchSize, count - start));
    }

    public static IEnumerable<Tensor> Of(LabeledDataset data, int batchSize) =>
        !data.IsStreamed ? Of(data.Features, batchSize) : data.Batches(batchSize).Select(b =>
        {
            b.Rows.Dispose();
            return b.Inputs;
        });
}
