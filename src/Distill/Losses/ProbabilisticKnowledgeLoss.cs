using static TorchSharp.torch;

namespace Distill.Losses;

/// <summary>
/// Probabilistic knowledge transfer (Passalis, Tefas 2018, "Learning Deep Representations with
/// Probabilistic Knowledge Transfer"), with the cosine-similarity kernel. Features [batch, ...]
/// are flattened to [batch, d] and scaled to x / (||x|| + eps) (NaNs set to 0); the kernel
/// K = (x_i . x_j + 1) / 2 is turned into conditional probabilities p_(j|i) = K_ij / sum_j K_ij,
/// and L = mean over all batch^2 entries of p_t * log((p_t + eps) / (p_s + eps)), eps = 1e-7.
/// Follows mdistiller (from the authors' code): the mean over the batch^2 entries rather than
/// the paper's sum, which changes only the scale.
/// </summary>
public static class ProbabilisticKnowledgeLoss
{
    /// <summary>The conditional probabilities [batch, batch] of the cosine kernel of features [batch, ...].</summary>
    public static Tensor ConditionalProbabilities(Tensor feature, double eps = 1e-7)
    {
        using var scope = NewDisposeScope();
        var flat = feature.reshape(feature.shape[0], -1);
        var unit = flat / (flat.pow(2).sum([1], keepdim: true).sqrt() + eps);
        unit = where(unit.isnan(), zeros_like(unit), unit);
        var kernel = (unit.mm(unit.t()) + 1.0) / 2.0;
        return (kernel / kernel.sum([1], keepdim: true)).MoveToOuterDisposeScope();
    }

    /// <summary>The KL-style divergence of the student's conditional probabilities from the teacher's. Unweighted scalar.</summary>
    public static Tensor Compute(Tensor studentFeature, Tensor teacherFeature, double eps = 1e-7)
    {
        FeatureChecks.SameBatch(studentFeature, teacherFeature, "PKT");
        using var scope = NewDisposeScope();
        var student = ConditionalProbabilities(studentFeature, eps);
        var teacher = ConditionalProbabilities(teacherFeature, eps);
        return (teacher * ((teacher + eps) / (student + eps)).log()).mean().MoveToOuterDisposeScope();
    }
}
