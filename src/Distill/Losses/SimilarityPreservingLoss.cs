using static TorchSharp.torch;

namespace Distill.Losses;

/// <summary>
/// Similarity-preserving distillation (Tung, Mori 2019, "Similarity-Preserving Knowledge
/// Distillation"): with F the features flattened to [batch, d], G = F F^T row-wise L2-normalised
/// (norm floored at 1e-12), L = ||G_t - G_s||_F^2 / batch^2. Follows mdistiller, which computes
/// the same as the paper for one layer pair; student and teacher widths may differ.
/// </summary>
public static class SimilarityPreservingLoss
{
    /// <summary>The row-normalised batch similarity matrix [batch, batch] of features [batch, ...].</summary>
    public static Tensor SimilarityMatrix(Tensor feature)
    {
        using var scope = NewDisposeScope();
        var flat = feature.reshape(feature.shape[0], -1);
        var gram = flat.mm(flat.t());
        return nn.functional.normalize(gram, p: 2.0, dim: 1, eps: 1e-12).MoveToOuterDisposeScope();
    }

    /// <summary>Squared Frobenius distance of the two similarity matrices over batch^2. Unweighted scalar.</summary>
    public static Tensor Compute(Tensor studentFeature, Tensor teacherFeature)
    {
        FeatureChecks.SameBatch(studentFeature, teacherFeature, "Similarity preserving");
        using var scope = NewDisposeScope();
        var batch = studentFeature.shape[0];
        var difference = SimilarityMatrix(teacherFeature) - SimilarityMatrix(studentFeature);
        return (difference.pow(2).sum() / (double)(batch * batch)).MoveToOuterDisposeScope();
    }
}
