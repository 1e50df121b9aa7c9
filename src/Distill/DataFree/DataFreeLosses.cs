using static TorchSharp.torch;

namespace Distill.DataFree;

/// <summary>
/// The losses that make inputs for a frozen teacher when no training data is at hand, each a pure
/// function on tensors returning an unweighted scalar (the weights live in <see cref="DataFreeOptions"/>).
/// </summary>
public static class DataFreeLosses
{
    /// <summary>
    /// DAFL's one-hot loss (Chen et al. 2019, "Data-Free Learning of Student Networks", eq. 4):
    /// L_oh = (1/n) sum_i H_cross(y_T^i, t^i), t^i = argmax_j (y_T^i)_j: the teacher's outputs on the
    /// generated images should be as confident as on real ones.
    /// </summary>
    public static Tensor OneHot(Tensor teacherLogits)
    {
        using var pseudo = teacherLogits.argmax(1).detach();
        return nn.functional.cross_entropy(teacherLogits, pseudo, reduction: nn.Reduction.Mean);
    }

    /// <summary>
    /// DAFL's activation loss (eq. 5): L_a = -(1/n) sum_i ||f_T^i||_1, here the mean over the batch and the
    /// features as the authors' code (-features.abs().mean()): real images excite the teacher's
    /// penultimate features <paramref name="features"/> strongly, so large activations are rewarded.
    /// </summary>
    public static Tensor Activation(Tensor features) => -features.abs().mean();

    /// <summary>
    /// DAFL's information-entropy loss (eq. 6): L_ie = -H_info((1/n) sum_i y_T^i) with
    /// H_info(p) = -sum_j p_j log p_j, minimised when the batch's mean prediction is uniform, i.e. the
    /// generator makes every class equally often. The logarithm is base 10, as in the authors' code.
    /// </summary>
    public static Tensor InformationEntropy(Tensor teacherLogits)
    {
        using var scope = NewDisposeScope();
        var mean = nn.functional.softmax(teacherLogits, 1).mean([0]);
        return (mean * mean.log10()).sum().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// DeepInversion's feature-distribution regulariser (Yin et al. 2020, "Dreaming to Distill", eq. 4):
    /// R_feature(x) = sum_l ||mu_l(x) - E(mu_l)||_2 + ||sigma_l^2(x) - E(sigma_l^2)||_2, where mu_l and
    /// sigma_l^2 are the batch's per-channel mean and (biased) variance of the input to batch-norm layer l
    /// and E(.) its running statistics. Each input is [N, C] or [N, C, ...]; the layers add up unweighted.
    /// </summary>
    public static Tensor BatchNormStatistics(IReadOnlyList<(Tensor Input, Tensor RunningMean, Tensor RunningVariance)> layers)
    {
        if (layers.Count == 0) throw new DistillException("The batch-norm statistic loss needs at least one batch-norm layer.");
        using var scope = NewDisposeScope();
        Tensor? total = null;
        foreach (var (input, runningMean, runningVariance) in layers)
        {
            var channels = input.shape[1];
            var perChannel = input.transpose(0, 1).reshape(channels, -1);
            var mean = perChannel.mean([1]);
            var variance = perChannel.var(1, unbiased: false);
            var term = (mean - runningMean).norm() + (variance - runningVariance).norm();
            total = total is null ? term : total + term;
        }
        return total!.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Zero-Shot KD's class similarity (Nayak et al. 2019, "Zero-Shot Knowledge Distillation in Deep
    /// Networks", §3.1): C(i, j) = w_i . w_j / (||w_i|| ||w_j||), w_k the final layer's weights into class k
    /// (<paramref name="weights"/> is [classes, features]).
    /// </summary>
    public static Tensor ClassSimilarity(Tensor weights)
    {
        using var scope = NewDisposeScope();
        var unit = weights / weights.norm(1, keepdim: true);
        return unit.matmul(unit.t()).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The Dirichlet concentration of each class in Zero-Shot KD (§3.2): row k of the class similarity
    /// matrix, min-max normalised to [0, 1], times the scaling factor beta (the paper samples half the
    /// impressions with beta = 1 and half with 0.1). Returns [classes, classes], row k for class k.
    /// </summary>
    public static Tensor DirichletConcentration(Tensor similarity, double beta)
    {
        using var scope = NewDisposeScope();
        var low = similarity.amin([1], keepdim: true);
        var high = similarity.amax([1], keepdim: true);
        return ((similarity - low) / (high - low) * beta).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Zero-Shot KD's impression loss (§3.3): L = (1/n) sum_i H(y_i, softmax(T(x_i) / tau)), the cross-entropy
    /// of the sampled soft target y_i with the teacher's temperature-tau prediction on the impression x_i
    /// (the paper's tau: 20).
    /// </summary>
    public static Tensor SoftTargetCrossEntropy(Tensor teacherLogits, Tensor targets, double temperature)
    {
        using var scope = NewDisposeScope();
        var log = nn.functional.log_softmax(teacherLogits / temperature, 1);
        return (-(targets * log).sum(1).mean()).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// DeepInversion's total-variation prior (its code's loss_var_l2): the L2 norms of the differences
    /// between neighbouring pixels, horizontally, vertically and along both diagonals, added up.
    /// </summary>
    public static Tensor TotalVariation(Tensor images)
    {
        using var scope = NewDisposeScope();
        var (h, w) = (images.shape[2], images.shape[3]);
        var right = images[.., .., .., ..(int)(w - 1)] - images[.., .., .., 1..];
        var down = images[.., .., ..(int)(h - 1), ..] - images[.., .., 1.., ..];
        var diagonal = images[.., .., 1.., ..(int)(w - 1)] - images[.., .., ..(int)(h - 1), 1..];
        var antiDiagonal = images[.., .., ..(int)(h - 1), ..(int)(w - 1)] - images[.., .., 1.., 1..];
        return (right.norm() + down.norm() + diagonal.norm() + antiDiagonal.norm()).MoveToOuterDisposeScope();
    }
}
