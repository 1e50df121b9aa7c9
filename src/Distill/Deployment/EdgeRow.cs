namespace Distill.Deployment;

/// <summary>One model of the edge table under one runtime: what it scores, weighs and costs in time.</summary>
/// <param name="Model">teacher, student, pruned, slim (channel-pruned) or int8.</param>
/// <param name="File">The file measured, relative to the run folder when inside it.</param>
/// <param name="NonzeroParameters">Parameters that are not exactly zero (below <paramref name="Parameters"/> after magnitude pruning).</param>
/// <param name="Latency">Timings at each batch size.</param>
public sealed record EdgeRow(
    string Model,
    string Spec,
    string Runtime,
    string File,
    double TestAccuracy,
    long SizeBytes,
    long CompressedBytes,
    long Parameters,
    long NonzeroParameters,
    IReadOnlyList<LatencyMeasurement> Latency);
