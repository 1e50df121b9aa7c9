namespace Distill.Quantization;

/// <summary>
/// What a model trained quantization-aware (<see cref="QuantizationAwareModel"/>) keeps in its card:
/// the range [low, high] of every activation its int8 file quantizes, by the value's name in the
/// ONNX graph (<c>input</c>, then module paths), as observed during training. <c>distill export --int8</c>
/// and <c>distill deploy</c> quantize with these ranges instead of calibrating.
/// </summary>
/// <param name="Momentum">The weight of each batch in the moving averages of the minimum and maximum.</param>
/// <param name="Activations">Each activation's [low, high].</param>
public sealed record QuantizationRanges(double Momentum, IReadOnlyDictionary<string, float[]> Activations)
{
    /// <summary>The range of <paramref name="name"/>, or a refusal naming it when training did not observe it.</summary>
    public (float Low, float High) Of(string name) =>
        Activations.TryGetValue(name, out var range) && range is [var low, var high]
            ? (low, high)
            : throw new DistillException($"The quantization-aware model has no observed range for the activation '{name}' its ONNX graph quantizes; retrain it with --qat, or export --int8 it from a float model to calibrate.");
}
