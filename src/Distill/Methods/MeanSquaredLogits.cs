using Distill.Losses;

namespace Distill.Methods;

/// <summary>
/// Logit MSE (Kim, Oh, Kim, Cho, Yun 2021, "Comparing Kullback-Leibler Divergence and Mean Squared Error
/// Loss in Knowledge Distillation"): logit_mse = LogitWeight * mean((z_s - z_t)^2), no temperature. The
/// paper shows KD tends to it as T grows and finds it the better loss. Its code trains on the MSE alone
/// (--hard-weight 0); here the labels' cross-entropy keeps weight 1 by default, as with the feature
/// methods: on the MSE alone a student copies a weak teacher's errors (a tiny CNN from a 1-epoch teacher
/// reached 37.5 % in MethodCliTests' two epochs, every method with labels above 60 %).
/// </summary>
public sealed class MeanSquaredLogits : DistillationMethod, IDescribedMethod
{
    private readonly MeanSquaredLogitsOptions _options;

    public MeanSquaredLogits(MeanSquaredLogitsOptions options) : base(nameof(MeanSquaredLogits))
    {
        _options = options;
        RegisterComponents();
    }

    public static MethodDescriptor Descriptor { get; } = MethodDescriptor.For<MeanSquaredLogitsOptions>(
        "mse",
        "Regress the teacher's logits directly (mean squared error, no temperature).",
        "Kim, Oh, Kim, Cho, Yun 2021, Comparing Kullback-Leibler Divergence and Mean Squared Error Loss in Knowledge Distillation",
        defaultHardLabelWeight: 1,
        create: (o, _) => new MeanSquaredLogits(o));

    public override LossTerms forward(DistillationStep step) =>
        new LossTerms().Add("logit_mse", LogitDivergences.MeanSquaredError(step.StudentLogits, step.TeacherLogits), _options.LogitWeight);
}
