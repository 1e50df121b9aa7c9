namespace Distill.Training;

/// <summary>The number format of a training step's matrix products and convolutions.</summary>
public enum Precision
{
    /// <summary>Everything in float32.</summary>
    Float32,

    /// <summary>
    /// Mixed precision: weights, optimizer state and losses stay float32; dense layers multiply in
    /// bfloat16 (2.5-4x the float32 rate on CPUs with AVX512-BF16 or AMX). Convolutions stay
    /// float32: libtorch 2.10's bfloat16 CPU convolutions returned wrong outputs and input
    /// gradients (errors of 20-90 %, some NaN) whenever a side had fewer than 16 channels on the
    /// AVX512-BF16 machine they were measured on (bench/RESULTS.md). Validation, evaluation and
    /// teacher logits stay float32.
    /// </summary>
    Bfloat16,
}
