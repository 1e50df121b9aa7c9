namespace Distill.Training;

/// <summary>The number format of a training step's matrix products and convolutions.</summary>
public enum Precision
{
    /// <summary>Everything in float32.</summary>
    Float32,

    /// <summary>
    /// Mixed precision: weights, optimizer state and losses stay float32; dense layers multiply in
    /// bfloat16 (the MLP training phases of bench/RESULTS.md §S1 ran 1.8x faster on an AVX512-BF16
    /// CPU). Convolutions stay float32: libtorch 2.10's bfloat16 CPU convolutions returned wrong
    /// outputs and input gradients (errors of 22-80 %, some NaN) whenever a side had fewer than 16
    /// channels on the AVX512-BF16 machine they were measured on (bench/profile.sh bf16-conv).
    /// Validation, evaluation and teacher logits stay float32.
    /// </summary>
    Bfloat16,
}
