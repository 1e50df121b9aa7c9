namespace Distill.Deployment;

/// <summary>Inference timings of one model under one runtime at one batch size.</summary>
/// <param name="Runtime">"TorchSharp" or "ONNX Runtime".</param>
/// <param name="Runs">Timed forward passes, after the warm-up.</param>
/// <param name="SamplesPerSecond">Rows per second over all timed runs.</param>
public sealed record LatencyMeasurement(
    string Model,
    string Runtime,
    int BatchSize,
    int Runs,
    double MedianMilliseconds,
    double P95Milliseconds,
    double SamplesPerSecond);
