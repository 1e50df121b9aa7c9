using System.Text.Json;

namespace Distill.Experiments;

/// <summary>
/// A search over student-side keys: the teacher is trained (or loaded) once and its logits cached
/// once; every point trains one distilled student per seed.
/// </summary>
public sealed record SweepOptions
{
    public SweepMode Mode { get; init; } = SweepMode.Grid;

    /// <summary>
    /// Key path (as in --set, e.g. distillation.temperature) to a JSON array of values, or, in random
    /// mode, to a range object {"min": 1, "max": 20, "log": true}.
    /// </summary>
    public IReadOnlyDictionary<string, JsonElement> Parameters { get; init; } = new Dictionary<string, JsonElement>();

    /// <summary>Points drawn in random mode.</summary>
    public int Samples { get; init; } = 10;

    /// <summary>Seed of the random draw, so a random search can be repeated.</summary>
    public int RandomSeed { get; init; } = 1;

    /// <summary>
    /// Set distillation.hardLabelWeight to 1 - distillation.softTargetWeight at every point, the
    /// convention of the Keras example and of most weight sweeps.
    /// </summary>
    public bool ComplementaryHardWeight { get; init; }
}
