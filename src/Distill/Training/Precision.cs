namespace Distill.Training;

/// <summary>The number format of a training step's matrix products and convolutions.</summary>
public enum Precision
{
    /// <summary>Everything in float32.</summary>
    Float32,

    /// <summary>
    /// Mixed precision: weights, optimizer state and losses stay float32; dense layers and <c>cnn:</c>
    /// convolutions multiply in bfloat16 (the MLP training phases of bench/RESULTS.md §S1 ran 1.8x
    /// faster on an AVX512-BF16 CPU, a quickstart CNN epoch 2x). The convolutions pad their channels to
    /// multiples of 16, where libtorch 2.10's bfloat16 CPU convolutions are right
    /// (<see cref="Models.ChannelPaddedConvolution"/>), and keep their activations channels-last
    /// (<see cref="Models.ChannelsLast"/>). Validation, evaluation and teacher logits stay float32.
    /// </summary>
    Bfloat16,
}
