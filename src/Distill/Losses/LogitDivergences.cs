using static TorchSharp.torch;

namespace Distill.Losses;

/// <summary>
/// Logit losses beside Hinton's forward KL, each unweighted and averaged over the batch; p = softmax(z / T),
/// KL summed over the classes. The divergences carry the T^2 factor of Hinton et al. 2015, so their
/// gradients keep one scale as T changes, as kd's do; the MSE has no temperature.
/// </summary>
public static class LogitDivergences
{
    /// <summary>
    /// Kim, Oh, Kim, Cho, Yun 2021, "Comparing Kullback-Leibler Divergence and Mean Squared Error Loss in
    /// Knowledge Distillation": L = mean over samples and classes of (z_s - z_t)^2, as the authors' code
    /// (nn.MSELoss()); KD tends to it as T grows, without the softmax's saturation.
    /// </summary>
    public static Tensor MeanSquaredError(Tensor studentLogits, Tensor teacherLogits)
    {
        DistillationLosses.CheckShapes(studentLogits, teacherLogits);
        return nn.functional.mse_loss(studentLogits, teacherLogits, reduction: nn.Reduction.Mean);
    }

    /// <summary>
    /// Reverse KL, L = T^2 * KL(p_s || p_t): the student's own distribution weighs the log ratio, so it
    /// seeks the teacher's main mode rather than covering all its mass (as in MiniLLM, Gu et al. 2024).
    /// </summary>
    public static Tensor ReverseKl(Tensor studentLogits, Tensor teacherLogits, double temperature)
    {
        DistillationLosses.CheckShapes(studentLogits, teacherLogits);
        using var scope = NewDisposeScope();
        var student = SoftTargets.LogProbabilities(studentLogits, temperature);
        var teacher = SoftTargets.LogProbabilities(teacherLogits, temperature);
        return (Kl(student, teacher) * (temperature * temperature)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Generalized Jensen-Shannon divergence of GKD (Agarwal et al. 2024, "On-Policy Distillation of
    /// Language Models: Learning from Self-Generated Mistakes"), as TRL's generalized_jsd_loss, times T^2:
    /// with m = beta * p_t + (1 - beta) * p_s, JSD(beta) = beta * KL(p_t || m) + (1 - beta) * KL(p_s || m)
    /// for 0 &lt; beta &lt; 1; beta = 0 is the forward KL(p_t || p_s) and beta = 1 the reverse KL(p_s || p_t),
    /// the limits of JSD(beta) / beta and JSD(beta) / (1 - beta). Between them the loss is bounded by
    /// T^2 * ln 2 per sample, so it needs a larger weight than a KL for the same pull.
    /// </summary>
    public static Tensor JensenShannon(Tensor studentLogits, Tensor teacherLogits, double beta, double temperature)
    {
        DistillationLosses.CheckShapes(studentLogits, teacherLogits);
        if (!(beta >= 0 && beta <= 1)) throw new DistillException(FormattableString.Invariant($"The Jensen-Shannon beta must be a number from 0 to 1, not {beta}."));
        using var scope = NewDisposeScope();
        var student = SoftTargets.LogProbabilities(studentLogits, temperature);
        var teacher = SoftTargets.LogProbabilities(teacherLogits, temperature);
        Tensor value;
        if (beta == 0) value = Kl(teacher, student);
        else if (beta == 1) value = Kl(student, teacher);
        else
        {
            // log m by logsumexp, so a saturated softmax (log p = -inf in float32) stays finite.
            var mixture = stack([student + Math.Log(1 - beta), teacher + Math.Log(beta)]).logsumexp(0);
            value = beta * Kl(teacher, mixture) + (1 - beta) * Kl(student, mixture);
        }
        return (value * (temperature * temperature)).MoveToOuterDisposeScope();
    }

    /// <summary>KL(p || q) from log-probabilities, summed over the classes and averaged over the batch.</summary>
    private static Tensor Kl(Tensor pLog, Tensor qLog) =>
        nn.functional.kl_div(qLog, pLog, reduction: nn.Reduction.Sum, log_target: true) / pLog.shape[0];
}
