using Distill.Losses;
using static TorchSharp.torch;

namespace Distill.Training;

/// <summary>
/// One step of deep mutual learning (Zhang et al. 2018) over a <see cref="MutualCohort"/>: peer i adds
/// peerI_ce = CE(y, z_i) and peerI_kl = MimicryWeight * <see cref="MutualLearningLoss.Mimicry"/>. The others'
/// predictions are detached, so the sum's gradient for each peer is its own loss's: the peers update
/// together from one forward pass, where the paper's Algorithm 1 updates them in turn.
/// </summary>
public sealed class MutualObjective(double mimicryWeight, double temperature) : ITrainingObjective
{
    public (Tensor Logits, LossTerms Terms) Step(nn.Module<Tensor, Tensor> model, Tensor inputs, Tensor labels, Tensor rows, int epoch)
    {
        var cohort = (MutualCohort)model;
        var logits = cohort.Peers.Select(p => p.call(inputs)).ToList();
        var terms = new LossTerms();
        for (var i = 0; i < logits.Count; i++)
        {
            terms.Add($"peer{i + 1}_ce", DistillationLosses.HardLabelCrossEntropy(logits[i], labels));
            terms.Add($"peer{i + 1}_kl", MutualLearningLoss.Mimicry(logits, i, temperature), mimicryWeight);
        }
        return (stack(logits).mean([0]), terms);
    }
}
