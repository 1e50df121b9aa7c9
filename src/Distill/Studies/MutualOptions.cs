using Distill.Losses;
using Distill.Methods;
using Distill.Models;

namespace Distill.Studies;

/// <summary>
/// Deep mutual learning (Zhang et al. 2018): peers trained together from scratch with the students'
/// training options, each on its labels plus <see cref="MutualLearningLoss"/> to the others; read from
/// <c>"mutual": { "peers": [...] }</c>.
/// </summary>
public sealed record MutualOptions
{
    /// <summary>The peers' architectures (model specs), at least 2; repeat a spec for peers alike (the paper's setting), each starts from its own seed.</summary>
    public IReadOnlyList<string> Peers { get; init; } = [];

    /// <summary>Weight of each peer's mimicry loss beside its cross-entropy (the paper's: 1).</summary>
    public double MimicryWeight { get; init; } = 1;

    /// <summary>Temperature of the peers' predictions in the mimicry loss (the paper's: 1).</summary>
    public double Temperature { get; init; } = 1;

    public void Validate()
    {
        if (Peers is null || Peers.Count < 2)
            throw new DistillException($"Deep mutual learning needs at least 2 peers (--peers SPEC,SPEC), not {Peers?.Count ?? 0}.");
        foreach (var spec in Peers) ModelSpec.Parse(spec);
        OptionCheck.Weight(MimicryWeight, "mutual.mimicryWeight");
        OptionCheck.Positive(Temperature, "mutual.temperature", TemperatureCheck.Max);
    }

    public override string ToString() => FormattableString.Invariant($"mutual learning of {Peers.Count} peers, mimicry={MimicryWeight:g4}, T={Temperature:g4}");
}
