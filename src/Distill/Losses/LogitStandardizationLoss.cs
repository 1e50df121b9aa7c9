using static TorchSharp.torch;

namespace Distill.Losses;

/// <summary>
/// Logit standardization (Sun, Ren, Li, Wang, Cao 2024, "Logit Standardization in Knowledge
/// Distillation"): each example's logits become the z-score Z(z) = (z - mean(z)) / (eps + std(z)),
/// mean and standard deviation over the classes, and the Hinton soft-target loss is taken between
/// the standardised logits at a base temperature T: L = T^2 * KL(softmax(Z(z_t) / T) || softmax(Z(z_s) / T)),
/// summed over classes and averaged over the batch. Follows the authors' code: the unbiased
/// (n - 1) standard deviation and eps = 1e-7 added to it.
/// </summary>
public static class LogitStandardizationLoss
{
    private const double Eps = 1e-7;

    /// <summary>Each row of logits [batch, classes] minus its mean, over (eps + its unbiased standard deviation).</summary>
    public static Tensor Standardize(Tensor logits)
    {
        using var scope = NewDisposeScope();
        var mean = logits.mean([-1], keepdim: true);
        var deviation = logits.std(-1, unbiased: true, keepdim: true);
        return ((logits - mean) / (deviation + Eps)).MoveToOuterDisposeScope();
    }

    /// <summary>T^2-scaled batchmean KL between the standardised logits. Unweighted scalar.</summary>
    public static Tensor Compute(Tensor studentLogits, Tensor teacherLogits, double temperature)
    {
        DistillationLosses.CheckShapes(studentLogits, teacherLogits);
        using var scope = NewDisposeScope();
        return DistillationLosses.SoftTargetKl(Standardize(studentLogits), Standardize(teacherLogits), temperature).MoveToOuterDisposeScope();
    }
}
