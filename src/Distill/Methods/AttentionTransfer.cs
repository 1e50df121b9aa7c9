using Distill.Losses;
using static TorchSharp.torch;

namespace Distill.Methods;

/// <summary>
/// Attention transfer (Zagoruyko &amp; Komodakis 2017, "Paying More Attention to Attention"):
/// at = AttentionWeight * sum over layer pairs of mean((a_s - a_t)^2), a = L2-normalised channel
/// mean of |f|^p (mdistiller's convention; weight 1000, p = 2). Default layers: the last layer of
/// each feature-map resolution both models share.
/// </summary>
public sealed class AttentionTransfer : DistillationMethod, IDescribedMethod
{
    private readonly IReadOnlyList<(string Student, string Teacher)> _pairs;
    private readonly double _weight;
    private readonly double _power;

    public AttentionTransfer(IReadOnlyList<(string Student, string Teacher)> pairs, double attentionWeight, double power) : base(nameof(AttentionTransfer))
    {
        _pairs = pairs;
        _weight = attentionWeight;
        _power = power;
        RegisterComponents();
    }

    public static MethodDescriptor Descriptor { get; } = MethodDescriptor.For<AttentionTransferOptions>(
        "at",
        "Match the spatial attention maps (channel mean of squared activations) of paired stages.",
        "Zagoruyko & Komodakis 2017, Paying More Attention to Attention",
        defaultHardLabelWeight: 1,
        create: (o, context) => new AttentionTransfer(LayerChoice.Pairs(o.StudentLayers, o.TeacherLayers, context, "at"), o.AttentionWeight, o.Power),
        readsLayers: true);

    public override IReadOnlyList<string> StudentLayers => [.. _pairs.Select(p => p.Student)];

    public override IReadOnlyList<string> TeacherLayers => [.. _pairs.Select(p => p.Teacher)];

    public override LossTerms forward(DistillationStep step) =>
        new LossTerms().Add("at", AttentionTransferLoss.Sum(
            [.. _pairs.Select(p => step.StudentFeatures[p.Student])], [.. _pairs.Select(p => step.TeacherFeatures[p.Teacher])], _power), _weight);
}
