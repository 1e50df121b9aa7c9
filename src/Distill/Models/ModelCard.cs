namespace Distill.Models;

/// <summary>
/// The sidecar metadata saved next to a model's weights: enough to rebuild the module and to
/// refuse data it was not built for.
/// </summary>
public sealed record ModelCard(
    string Spec,
    long[] InputShape,
    int ClassCount,
    long Parameters,
    string Dataset,
    string Role);
