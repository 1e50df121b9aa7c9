using Distill.Studies;

namespace Distill.Experiments;

/// <summary>One seed of one sweep point: the distilled student and the scratch student it is compared with.</summary>
public sealed record PointRun(SweepPoint Point, int Seed, ModelOutcome Scratch, ModelOutcome Distilled, string RunDirectory)
{
    /// <summary>The models a chain adds beside them: its assistants and the student at its end; empty otherwise.</summary>
    public IReadOnlyList<ModelOutcome> Others { get; init; } = [];
}
