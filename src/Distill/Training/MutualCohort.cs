using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distill.Training;

/// <summary>
/// The peers of deep mutual learning as one module, so one trainer steps them together and one
/// checkpoint holds every peer's weights and optimizer state. Its output, the mean of the peers'
/// logits, is what validation selects the epoch on and the cohort's own row reports.
/// </summary>
public sealed class MutualCohort : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<nn.Module<Tensor, Tensor>> peers;

    public MutualCohort(IReadOnlyList<nn.Module<Tensor, Tensor>> members) : base(nameof(MutualCohort))
    {
        peers = new ModuleList<nn.Module<Tensor, Tensor>>([.. members]);
        RegisterComponents();
    }

    public IReadOnlyList<nn.Module<Tensor, Tensor>> Peers => [.. peers];

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return stack(peers.Select(p => p.call(input)).ToList()).mean([0]).MoveToOuterDisposeScope();
    }
}
