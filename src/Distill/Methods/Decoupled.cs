using Distill.Losses;
using static TorchSharp.torch;

namespace Distill.Methods;

/// <summary>
/// Decoupled KD (Zhao et al. 2022, "Decoupled Knowledge Distillation"): the KD loss split into its
/// target-class part TCKD (binary KL of p_target vs the rest) and its non-target part NCKD (KL among
/// the non-target classes), tckd = w * TargetClassWeight * TCKD, nckd = w * NonTargetClassWeight *
/// NCKD, both T^2-scaled, w = min(epoch / WarmupEpochs, 1) (mdistiller: alpha 1, beta 8, T 4, 20-epoch
/// warm-up, CE weight 1). Epochs count from 1, as in mdistiller.
/// </summary>
public sealed class Decoupled : DistillationMethod, IDescribedMethod
{
    private readonly DecoupledOptions _options;

    public Decoupled(DecoupledOptions options) : base(nameof(Decoupled))
    {
        _options = options;
        RegisterComponents();
    }

    public static MethodDescriptor Descriptor { get; } = MethodDescriptor.For<DecoupledOptions>(
        "dkd",
        "KD split into target-class and non-target-class parts, weighted apart, with a warm-up.",
        "Zhao, Cui, Song, Qiu, Liang 2022, Decoupled Knowledge Distillation",
        defaultHardLabelWeight: 1,
        create: (o, _) => new Decoupled(o));

    public override LossTerms forward(DistillationStep step)
    {
        var warmup = DecoupledKnowledgeLoss.WarmupFactor(step.Epoch, _options.WarmupEpochs);
        // A transfer row has no class to split on: the teacher's top class stands in for it.
        using var targets = step.Labels.ge(0).all().item<bool>() ? step.Labels.alias() : step.Labels.where(step.Labels.ge(0), step.TeacherLogits.argmax(1));
        var (target, nonTarget) = DecoupledKnowledgeLoss.Parts(step.StudentLogits, step.TeacherLogits, targets, _options.Temperature);
        return new LossTerms()
            .Add("tckd", target, warmup * _options.TargetClassWeight)
            .Add("nckd", nonTarget, warmup * _options.NonTargetClassWeight);
    }
}
