using Distill.Losses;

namespace Distill.Methods;

/// <summary>
/// Reverse KL: reverse_kl = DivergenceWeight * T^2 * KL(softmax(z_s/T) || softmax(z_t/T)), KL summed over
/// classes and averaged over the batch; the student's distribution weighs the log ratio, so it seeks the
/// teacher's main mode instead of covering its tail (Gu, Dong, Wei, Huang 2024, MiniLLM, use it for
/// language models). Defaults are kd's (T 4, weight 0.9, hard 0.1), so the two differ only in direction.
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
        "KD with the KL reversed, KL(student || teacher) x T^2: mode-seeking rather than mass-covering.",
        "Gu, Dong, Wei, Huang 2024, MiniLLM: Knowledge Distillation of Large Language Models",
        defaultHardLabelWeight: 0.1,
        create: (o, _) => new ReverseKl(o));

    public override LossTerms forward(DistillationStep step) =>
        new LossTerms().Add("reverse_kl", LogitDivergences.ReverseKl(step.StudentLogits, step.TeacherLogits, _options.Temperature), _options.DivergenceWeight);
}
