using static TorchSharp.torch;

namespace Distill.Losses;

/// <summary>
/// Neuron selectivity transfer (Huang, Wang 2017, "Like What You Like: Knowledge Distill via
/// Neuron Selectivity Transfer"): each channel of a feature map [batch, channels, height, width]
/// is a sample of a distribution over the height * width positions, L2-normalised (norm floored
/// at 1e-12); the loss is the squared MMD with the polynomial kernel k(x, y) = (x . y)^2
/// (degree 2, c = 0): mean k(t, t') + mean k(s, s') - 2 mean k(s, t), each mean over the batch
/// and all channel pairs. Follows mdistiller: the teacher-teacher term is detached, and maps
/// of different heights are matched by adaptive average pooling of the larger map down to the
/// smaller one's size; the channel counts may differ.
/// </summary>
public static class NeuronSelectivityLoss
{
    /// <summary>Squared MMD of one student/teacher pair of feature maps. Unweighted scalar.</summary>
    public static Tensor Pair(Tensor studentFeature, Tensor teacherFeature)
    {
        FeatureChecks.FeatureMaps(studentFeature, teacherFeature, "NST");
        using var scope = NewDisposeScope();
        var (pooledStudent, pooledTeacher) = FeatureChecks.PoolLargerToSmaller(studentFeature, teacherFeature);
        var student = ChannelDistributions(pooledStudent);
        var teacher = ChannelDistributions(pooledTeacher);
        var loss = PolynomialKernelMean(teacher, teacher).detach()
            + PolynomialKernelMean(student, student)
            - 2.0 * PolynomialKernelMean(student, teacher);
        return loss.MoveToOuterDisposeScope();
    }

    /// <summary>Sum of <see cref="Pair"/> over several stages, the i-th student map paired with the i-th teacher map.</summary>
    public static Tensor Sum(IReadOnlyList<Tensor> studentFeatures, IReadOnlyList<Tensor> teacherFeatures)
    {
        FeatureChecks.SamePairCount(studentFeatures.Count, teacherFeatures.Count, "NST");
        if (studentFeatures.Count == 0) throw new DistillException("NST needs at least one pair of feature maps.");
        using var scope = NewDisposeScope();
        var total = Pair(studentFeatures[0], teacherFeatures[0]);
        for (var i = 1; i < studentFeatures.Count; i++)
            total = total + Pair(studentFeatures[i], teacherFeatures[i]);
        return total.MoveToOuterDisposeScope();
    }

    private static Tensor ChannelDistributions(Tensor feature) =>
        nn.functional.normalize(feature.reshape(feature.shape[0], feature.shape[1], -1), p: 2.0, dim: 2, eps: 1e-12);

    private static Tensor PolynomialKernelMean(Tensor a, Tensor b) => bmm(a, b.transpose(1, 2)).pow(2).mean();
}
