using static TorchSharp.torch;

namespace Distill.Losses;

/// <summary>
/// Decoupled knowledge distillation (Zhao, Cui, Song, Qiu, Liang 2022, "Decoupled Knowledge
/// Distillation"). With p = softmax(z / T) and t the true class:
/// TCKD = T^2 * KL([p_t, 1 - p_t] of the teacher || the same of the student), and
/// NCKD = T^2 * KL(p-hat_teacher || p-hat_student), p-hat the softmax over the classes other
/// than t; each KL summed over its bins and averaged over the batch. The method's loss is
/// alpha * TCKD + beta * NCKD (weights applied by the method, not here), times
/// <see cref="WarmupFactor"/>. Follows mdistiller: the binary probabilities are sums of the full
/// softmax, and p-hat is computed as the softmax of z / T - 1000 * onehot(t), which leaves the
/// true class a probability of exp(-1000) = 0 instead of removing its column.
/// </summary>
public static class DecoupledKnowledgeLoss
{
    /// <summary>TCKD, the target-class part, unweighted and T^2-scaled (scalar).</summary>
    public static Tensor TargetClass(Tensor studentLogits, Tensor teacherLogits, Tensor labels, double temperature)
    {
        Check(studentLogits, teacherLogits, labels, temperature);
        using var scope = NewDisposeScope();
        var target = TargetMask(studentLogits, labels);
        var student = TargetAndRest(SoftTargets.Probabilities(studentLogits, temperature), target);
        var teacher = TargetAndRest(SoftTargets.Probabilities(teacherLogits, temperature), target);
        var summed = nn.functional.kl_div(student.log(), teacher, reduction: nn.Reduction.Sum, log_target: false);
        return (summed * (temperature * temperature / studentLogits.shape[0])).MoveToOuterDisposeScope();
    }

    /// <summary>NCKD, the non-target-class part, unweighted and T^2-scaled (scalar).</summary>
    public static Tensor NonTargetClass(Tensor studentLogits, Tensor teacherLogits, Tensor labels, double temperature)
    {
        Check(studentLogits, teacherLogits, labels, temperature);
        using var scope = NewDisposeScope();
        var pushDown = 1000.0 * TargetMask(studentLogits, labels);
        var student = nn.functional.log_softmax(studentLogits / temperature - pushDown, dim: 1);
        var teacher = nn.functional.softmax(teacherLogits / temperature - pushDown, dim: 1);
        var summed = nn.functional.kl_div(student, teacher, reduction: nn.Reduction.Sum, log_target: false);
        return (summed * (temperature * temperature / studentLogits.shape[0])).MoveToOuterDisposeScope();
    }

    /// <summary>Both parts, unweighted: (TCKD, NCKD).</summary>
    public static (Tensor TargetClass, Tensor NonTargetClass) Parts(Tensor studentLogits, Tensor teacherLogits, Tensor labels, double temperature) =>
        (TargetClass(studentLogits, teacherLogits, labels, temperature),
         NonTargetClass(studentLogits, teacherLogits, labels, temperature));

    /// <summary>
    /// The warm-up factor min(epoch / warmupEpochs, 1) that mdistiller multiplies the whole DKD
    /// loss by (epochs counted from 1, so the first epoch already gets 1 / warmupEpochs; the
    /// paper's default is 20 warm-up epochs).
    /// </summary>
    public static double WarmupFactor(int epoch, int warmupEpochs)
    {
        if (warmupEpochs <= 0) throw new DistillException($"The DKD warm-up must last at least one epoch, not {warmupEpochs}.");
        if (epoch < 0) throw new DistillException($"The epoch must be 0 or more, not {epoch}.");
        return Math.Min((double)epoch / warmupEpochs, 1.0);
    }

    private static Tensor TargetMask(Tensor logits, Tensor labels) =>
        zeros_like(logits).scatter(1, labels.reshape(-1, 1), ones_like(logits));

    /// <summary>[batch, 2]: the probability of the true class and the sum of all the others.</summary>
    private static Tensor TargetAndRest(Tensor probabilities, Tensor target) =>
        cat([(probabilities * target).sum([1], keepdim: true), (probabilities * (1.0 - target)).sum([1], keepdim: true)], 1);

    private static void Check(Tensor studentLogits, Tensor teacherLogits, Tensor labels, double temperature)
    {
        DistillationLosses.CheckShapes(studentLogits, teacherLogits);
        TemperatureCheck.Check(temperature);
        if (studentLogits.dim() != 2 || labels.numel() != studentLogits.shape[0])
            throw new DistillException(
                $"DKD needs logits [batch, classes] and one label per example; got logits {FeatureChecks.Shape(studentLogits)} and labels {FeatureChecks.Shape(labels)}.");
    }
}
