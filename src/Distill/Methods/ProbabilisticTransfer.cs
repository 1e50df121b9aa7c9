using Distill.Features;
using Distill.Losses;
using static TorchSharp.torch;

namespace Distill.Methods;

/// <summary>
/// Probabilistic knowledge transfer (Passalis &amp; Tefas 2018, "Learning Deep Representations with
/// Probabilistic Knowledge Transfer"): pkt = ProbabilityWeight * KL(P_t || P_s), P the conditional
/// probabilities of the cosine-similarity kernel between the samples' embeddings (mdistiller's
/// convention and weight 30000).
/// </summary>
public sealed class ProbabilisticTransfer : LayerPairMethod, IDescribedMethod
{
    private readonly double _weight;

    public ProbabilisticTransfer(string student, string teacher, double probabilityWeight) : base(nameof(ProbabilisticTransfer), student, teacher)
    {
        _weight = probabilityWeight;
        RegisterComponents();
    }

    public static MethodDescriptor Descriptor { get; } = MethodDescriptor.For<ProbabilisticTransferOptions>(
        "pkt",
        "Match the probability distributions of the samples' embedding similarities (cosine kernel, KL).",
        "Passalis & Tefas 2018, Learning Deep Representations with Probabilistic Knowledge Transfer",
        defaultHardLabelWeight: 1,
        create: (o, context) =>
        {
            var (s, t) = LayerChoice.Single(o.StudentLayer, o.TeacherLayer, context, DefaultLayers.Embedding, "pkt");
            return new ProbabilisticTransfer(s, t, o.ProbabilityWeight);
        },
        readsLayers: true);

    public override LossTerms forward(DistillationStep step) =>
        new LossTerms().Add("pkt", ProbabilisticKnowledgeLoss.Compute(step.StudentFeatures[StudentLayer].flatten(1), step.TeacherFeatures[TeacherLayer].flatten(1)), _weight);
}
