using Distill.Losses;
using Distill.Methods;
using static TorchSharp.torch;

namespace Examples;

/// <summary>
/// Reverse KL distillation, a method defined outside the library: reverse_kl = ReverseKlWeight * T^2 *
/// KL(p_s || p_t) with p = softmax(z / T), summed over classes and averaged over the batch. Hinton KD's
/// forward KL(p_t || p_s) spreads the student over every class the teacher allows; the reverse one
/// makes it settle on the teacher's main modes (Gu, Dong, Wei, Huang 2024, "MiniLLM: Knowledge
/// Distillation of Large Language Models", which argues for it when the student is much smaller).
/// </summary>
public sealed class ReverseKl : DistillationMethod, IDescribedMethod
{
    private readonly ReverseKlOptions _options;

    public ReverseKl(ReverseKlOptions options) : base(nameof(ReverseKl))
    {
        _options = options;
        RegisterComponents();
    }

    public static MethodDescriptor Descriptor { get; } = MethodDescriptor.For<ReverseKlOptions>(
        "reverse-kl",
        "Match the teacher's softened probabilities with the reverse KL(student || teacher), x T^2.",
        "Gu, Dong, Wei, Huang 2024, MiniLLM: Knowledge Distillation of Large Language Models",
        defaultHardLabelWeight: 0.1,
        create: (options, _) => new ReverseKl(options));

    public override LossTerms forward(DistillationStep step) =>
        new LossTerms().Add("reverse_kl", Loss(step.StudentLogits, step.TeacherLogits, _options.Temperature), _options.ReverseKlWeight);

    /// <summary>T^2 * KL(softmax(z_s/T) || softmax(z_t/T)), batch mean; the forward KL with the roles swapped.</summary>
    public static Tensor Loss(Tensor studentLogits, Tensor teacherLogits, double temperature)
    {
        var studentLog = nn.functional.log_softmax(studentLogits / temperature, 1);
        var teacherLog = nn.functional.log_softmax(teacherLogits / temperature, 1);
        // kl_div(input, target) is KL(target || input): here the target is the student.
        var divergence = nn.functional.kl_div(teacherLog, studentLog, reduction: nn.Reduction.Sum, log_target: true) / studentLogits.shape[0];
        return divergence * (temperature * temperature);
    }
}
