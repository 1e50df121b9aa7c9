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
        return summed.mul(HeldScalar.Of(temperature * temperature / studentLogits.shape[0]));
    }

    /// <summary>
    /// Cross-entropy with the true labels, averaged over the labeled rows of the batch: rows of a
    /// transfer set (label <see cref="Data.LabeledDataset.Unlabeled"/>) have no class and add nothing,
    /// as in PyTorch's <c>cross_entropy(..., ignore_index=-1)</c>; a batch without a labeled row gives 0
    /// (PyTorch: NaN), so its soft terms alone train the student.
    /// </summary>
    public static Tensor HardLabelCrossEntropy(Tensor logits, Tensor labels)
    {
        using var unlabeled = labels.lt(HeldScalar.Of(0L));
        using var anyUnlabeled = unlabeled.any();
        if (!anyUnlabeled.item<bool>()) return nn.functional.cross_entropy(logits, labels, reduction: nn.Reduction.Mean);
        using var scope = NewDisposeScope();
        var labeled = unlabeled.logical_not();
        var perRow = nn.functional.cross_entropy(logits, labels.clamp_min(HeldScalar.Of(0L)), reduction: nn.Reduction.None);
        return (perRow * labeled).sum().div(labeled.sum().clamp_min(HeldScalar.One)).MoveToOuterDisposeScope();
    }

    internal static void CheckShapes(Tensor student, Tensor teacher)
    {
        if (!student.shape.SequenceEqual(teacher.shape))
            throw new DistillException(
                $"Student logits {Shape(student)} and teacher logits {Shape(teacher)} differ in shape; teacher and student must predict the same classes.");
    }

    private static string Shape(Tensor t) => "[" + string.Join(", ", t.shape) + "]";
}
