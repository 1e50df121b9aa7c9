using static TorchSharp.torch;

namespace Distill.Tests.Extending;

/// <summary>
/// Logit regression (Ba &amp; Caruana 2014, "Do Deep Nets Really Need to be Deep?"): the student
/// regresses the teacher's logits, L = mean over samples and classes of (z_s - z_t)^2. Centred, each
/// sample's logits first lose their mean over the classes, so a shift the softmax ignores costs
/// nothing. The worked example of docs/extending.md: a user's loss, outside the library.
/// </summary>
public static class LogitMseLoss
{
    /// <summary>The unweighted loss of student logits against teacher logits of the same [batch, classes] shape.</summary>
    public static Tensor Compute(Tensor studentLogits, Tensor teacherLogits, bool centered)
    {
        if (!studentLogits.shape.SequenceEqual(teacherLogits.shape))
            throw new ArgumentException($"Logit MSE needs logits of one shape; the student's are [{string.Join(", ", studentLogits.shape)}], the teacher's [{string.Join(", ", teacherLogits.shape)}].");
        if (centered)
        {
            studentLogits = studentLogits - studentLogits.mean([1], keepdim: true);
            teacherLogits = teacherLogits - teacherLogits.mean([1], keepdim: true);
        }
        return nn.functional.mse_loss(studentLogits, teacherLogits, reduction: nn.Reduction.Mean);
    }
}
