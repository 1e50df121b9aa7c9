using Distill.Losses;
using static TorchSharp.torch;

namespace Distill.Methods;

/// <summary>
/// KD on standardized logits (Sun, Ren, Li, Wang, Cao 2024, "Logit Standardization in Knowledge
/// Distillation"): each sample's logits are z-scored (mean and unbiased standard deviation over the
/// classes) before the softmax, so the student matches the teacher's logit relations rather than
/// their magnitude: ls_kl = StandardizedKlWeight * T^2 * KL(softmax(Z(z_t)/T) || softmax(Z(z_s)/T)).
/// The authors' KD setting: base temperature 2, KL weight 9, CE weight 0.1.
/// </summary>
public sealed class LogitStandardization : DistillationMethod, IDescribedMethod
{
    private readonly LogitStandardizationOptions _options;

    public LogitStandardization(LogitStandardizationOptions options) : base(nameof(LogitStandardization))
    {
        _options = options;
        RegisterComponents();
    }

    public static MethodDescriptor Descriptor { get; } = MethodDescriptor.For<LogitStandardizationOptions>(
        "ls",
        "KD on z-scored logits: match the teacher's logit relations, not their scale.",
        "Sun, Ren, Li, Wang, Cao 2024, Logit Standardization in Knowledge Distillation",
        defaultHardLabelWeight: 0.1,
        create: (o, _) => new LogitStandardization(o));

    public override LossTerms forward(DistillationStep step) =>
        new LossTerms().Add("ls_kl", LogitStandardizationLoss.Compute(step.StudentLogits, step.TeacherLogits, _options.Temperature), _options.StandardizedKlWeight);
}
