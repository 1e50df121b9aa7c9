using static TorchSharp.torch;

namespace Distill.Losses;

/// <summary>Pure loss functions on logits. Each returns a scalar tensor averaged over the batch.</summary>
public static class DistillationLosses
{
    /// <summary>
    /// Soft-target loss of Hinton et al. 2015: T^2 * KL(softmax(z_t / T) || softmax(z_s / T)),
    /// the KL summed over classes and averaged over the batch ("batchmean"). The T^2 keeps the
    /// soft-target gradients on the same scale as T changes.
    /// </summary>
    public static Tensor SoftTargetKl(Tensor studentLogits, Tensor teacherLogits, double temperature)
    {
        CheckShapes(studentLogits, teacherLogits);
        using var studentLog = SoftTargets.LogProbabilities(studentLogits, temperature);
        using var teacherLog = SoftTargets.LogProbabilities(teacherLogits, temperature);
        // TorchSharp's kl_div has no "batchmean" and defaults log_target differently from
        // PyTorch, so both are spelled out.
        using var summed = nn.functional.kl_div(studentLog, teacherLog, reduction: nn.Reduction.Sum, log_target: true);
        return summed * (temperature * temperature / studentLogits.shape[0]);
    }

    /// <summary>Cross-entropy with the true labels, averaged over the batch.</summary>
    public static Tensor HardLabelCrossEntropy(Tensor logits, Tensor labels) =>
        nn.functional.cross_entropy(logits, labels, reduction: nn.Reduction.Mean);

    internal static void CheckShapes(Tensor student, Tensor teacher)
    {
        if (!student.shape.SequenceEqual(teacher.shape))
            throw new DistillException(
                $"Student logits {Shape(student)} and teacher logits {Shape(teacher)} differ in shape; teacher and student must predict the same classes.");
    }

    private static string Shape(Tensor t) => "[" + string.Join(", ", t.shape) + "]";
}
