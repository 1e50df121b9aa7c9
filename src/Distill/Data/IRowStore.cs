using Distill.Data.Augmentation;
using static TorchSharp.torch;

namespace Distill.Data;

/// <summary>
/// Inputs that are not held in memory but produced a batch at a time (an image folder decoded on
/// the fly). A <see cref="LabeledDataset"/> backed by one streams its batches through
/// <see cref="BatchPrefetcher"/>.
/// </summary>
public interface IRowStore
{
    long Count { get; }

    /// <summary>Shape of one input, without the batch dimension.</summary>
    long[] SampleShape { get; }

    /// <summary>Background workers <see cref="Read"/> may use.</summary>
    int Workers { get; }

    /// <summary>The inputs at <paramref name="rows"/>, [rows.Length, ...SampleShape] float32, standardised; safe to call from any thread.</summary>
    Tensor Read(long[] rows);

    /// <summary>A store of the rows at <paramref name="rows"/>, in that order.</summary>
    IRowStore Subset(long[] rows);

    /// <summary>Standardises every input read from now on (the in-memory twin standardises its tensor in place).</summary>
    void Standardise(ChannelNormalization normalization);

    /// <summary>Black and white per channel, as standardised inputs hold them.</summary>
    ImageRange Range();
}
