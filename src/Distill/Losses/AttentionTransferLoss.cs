using static TorchSharp.torch;

namespace Distill.Losses;

/// <summary>
/// Attention transfer (Zagoruyko, Komodakis 2017, "Paying More Attention to Attention: Improving
/// the Performance of Convolutional Neural Networks via Attention Transfer"). The attention map
/// of a feature map f [batch, channels, height, width] is Q = vec(mean_c f_c^p) / ||vec(mean_c f_c^p)||_2,
/// a unit vector over the height * width positions (norm floored at 1e-12), and the loss of one
/// pair is mean over batch and positions of (Q_s - Q_t)^2.
/// Follows mdistiller: the channel mean rather than the paper's channel sum (the normalisation
/// cancels the difference), the element mean rather than the paper's per-example L2 norm, f^p
/// rather than |f|^p (equal for the default even p = 2), and maps of different heights are
/// matched by adaptive average pooling of the larger map down to the smaller one's size.
/// </summary>
public static class AttentionTransferLoss
{
    /// <summary>The attention map [batch, height * width] of a feature map [batch, channels, height, width].</summary>
    public static Tensor AttentionMap(Tensor feature, double power = 2.0)
    {
        using var scope = NewDisposeScope();
        var pooled = feature.pow(power).mean([1]).reshape(feature.shape[0], -1);
        return nn.functional.normalize(pooled, p: 2.0, dim: 1, eps: 1e-12).MoveToOuterDisposeScope();
    }

    /// <summary>Loss of one student/teacher pair of feature maps; the channel counts may differ. Unweighted scalar.</summary>
    public static Tensor Pair(Tensor studentFeature, Tensor teacherFeature, double power = 2.0)
    {
        FeatureChecks.FeatureMaps(studentFeature, teacherFeature, "Attention transfer");
        using var scope = NewDisposeScope();
        var (student, teacher) = FeatureChecks.PoolLargerToSmaller(studentFeature, teacherFeature);
        var difference = AttentionMap(student, power) - AttentionMap(teacher, power);
        return difference.pow(2).mean().MoveToOuterDisposeScope();
    }

    /// <summary>Sum of <see cref="Pair"/> over several stages, the i-th student map paired with the i-th teacher map.</summary>
    public static Tensor Sum(IReadOnlyList<Tensor> studentFeatures, IReadOnlyList<Tensor> teacherFeatures, double power = 2.0)
    {
        FeatureChecks.SamePairCount(studentFeatures.Count, teacherFeatures.Count, "Attention transfer");
        if (studentFeatures.Count == 0) throw new DistillException("Attention transfer needs at least one pair of feature maps.");
        using var scope = NewDisposeScope();
        var total = Pair(studentFeatures[0], teacherFeatures[0], power);
        for (var i = 1; i < studentFeatures.Count; i++)
            total = total + Pair(studentFeatures[i], teacherFeatures[i], power);
        return total.MoveToOuterDisposeScope();
    }
}
