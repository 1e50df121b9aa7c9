using static TorchSharp.torch;

namespace Distill.Losses;

/// <summary>
/// The mimicry loss of deep mutual learning (Zhang, Xiang, Hospedales, Lu 2018, "Deep Mutual Learning",
/// Eq. 10): peer i of K learns from the others' predictions,
/// L_i = T^2 / (K - 1) * sum over j != i of KL(softmax(z_j/T) || softmax(z_i/T)), KL summed over classes
/// and averaged over the batch; the others' predictions are targets (no gradient flows into them).
/// The paper uses T = 1; the T^2 keeps kd's convention where a larger T is chosen.
/// </summary>
public static class MutualLearningLoss
{
    /// <summary>The mimicry loss of peer <paramref name="peer"/> among the peers' logits [batch, classes].</summary>
    public static Tensor Mimicry(IReadOnlyList<Tensor> logits, int peer, double temperature)
    {
        if (logits.Count < 2) throw new DistillException($"Deep mutual learning needs at least 2 peers, not {logits.Count}.");
        using var scope = NewDisposeScope();
        var sum = zeros([], dtype: logits[peer].dtype);
        for (var j = 0; j < logits.Count; j++)
            if (j != peer) sum = sum + DistillationLosses.SoftTargetKl(logits[peer], logits[j].detach(), temperature);
        return (sum / (logits.Count - 1)).MoveToOuterDisposeScope();
    }
}
