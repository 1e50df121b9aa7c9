using Distill.Losses;

namespace Distill.Methods;

/// <summary>
/// Generalized Jensen-Shannon distillation (Agarwal et al. 2024, "On-Policy Distillation of Language
/// Models: Learning from Self-Generated Mistakes", GKD): jsd = DivergenceWeight * T^2 * JSD(beta), with
/// m = beta * p_t + (1 - beta) * p_s and JSD(beta) = beta * KL(p_t || m) + (1 - beta) * KL(p_s || m),
/// p = softmax(z / T); beta 0 is kd's forward KL, beta 1 the reverse KL, as in GKD and TRL. Between them
/// the divergence is bounded (T^2 ln 2 per sample at most) and its gradients are smaller than a KL's.
/// </summary>
public sealed class JensenShannon : DistillationMethod, IDescribedMethod
{
    private readonly JensenShannonOptions _options;

    public JensenShannon(JensenShannonOptions options) : base(nameof(JensenShannon))
    {
        _options = options;
        RegisterComponents();
    }

    public static MethodDescriptor Descriptor { get; } = MethodDescriptor.For<JensenShannonOptions>(
        "jsd",
        "Generalized Jensen-Shannon divergence x T^2, from forward KL (beta 0) to reverse KL (beta 1).",
        "Agarwal, Vieillard, Zhou, Stanczyk, Ramos, Geist, Bachem 2024, On-Policy Distillation of Language Models: Learning from Self-Generated Mistakes",
        defaultHardLabelWeight: 0.1,
        create: (o, _) => new JensenShannon(o));

    public override LossTerms forward(DistillationStep step) =>
        new LossTerms().Add("jsd", LogitDivergences.JensenShannon(step.StudentLogits, step.TeacherLogits, _options.Beta, _options.Temperature), _options.DivergenceWeight);
}
