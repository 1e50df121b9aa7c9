using static TorchSharp.torch;

namespace Distill.Losses;

/// <summary>
/// Temperature-softened class probabilities, p_i = exp(z_i / T) / sum_j exp(z_j / T)
/// (Hinton, Vinyals, Dean 2015, arXiv:1503.02531). T = 1 is the plain softmax; larger T is softer.
/// </summary>
public static class SoftTargets
{
    // The scaled logits and the scalar are held through the call (see HeldScalar): the caller may
    // have no dispose scope open.
    public static Tensor Probabilities(Tensor logits, double temperature)
    {
        TemperatureCheck.Check(temperature);
        using var scaled = logits.div(HeldScalar.Of(temperature));
        return nn.functional.softmax(scaled, dim: -1);
    }

    public static Tensor LogProbabilities(Tensor logits, double temperature)
    {
        TemperatureCheck.Check(temperature);
        using var scaled = logits.div(HeldScalar.Of(temperature));
        return nn.functional.log_softmax(scaled, dim: -1);
    }
}
