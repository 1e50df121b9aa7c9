using Distill.Losses;
using Distill.Methods;

namespace Distill.Tests.Extending;

/// <summary>
/// Logit regression as a distillation method (Ba &amp; Caruana 2014): logit_mse = LogitWeight *
/// <see cref="LogitMseLoss"/>. The paper trains on the logits alone; with the engine's hard term
/// (weight 1 by default here) the student also sees the labels. Registered by
/// <see cref="UserMethods"/>, never by the library: it shows that a method plugs in from outside.
/// </summary>
public sealed class LogitMse : DistillationMethod, IDescribedMethod
{
    private readonly LogitMseOptions _options;

    public LogitMse(LogitMseOptions options) : base(nameof(LogitMse))
    {
        _options = options;
        RegisterComponents();
    }

    public static MethodDescriptor Descriptor { get; } = MethodDescriptor.For<LogitMseOptions>(
        "logit-mse",
        "Regress the teacher's logits (mean squared error).",
        "Ba & Caruana 2014, Do Deep Nets Really Need to be Deep?",
        defaultHardLabelWeight: 1,
        create: (options, _) => new LogitMse(options));

    public override LossTerms forward(DistillationStep step) =>
        new LossTerms().Add("logit_mse", LogitMseLoss.Compute(step.StudentLogits, step.TeacherLogits, _options.Centered), _options.LogitWeight);
}
