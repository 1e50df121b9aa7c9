using Distill.Features;
using Distill.Losses;
using static TorchSharp.torch;

namespace Distill.Methods;

/// <summary>
/// Similarity-preserving KD (Tung &amp; Mori 2019, "Similarity-Preserving Knowledge Distillation"):
/// sp = SimilarityWeight * ||G_s - G_t||_F^2 / b^2, G the row-L2-normalised batch Gram matrix of the
/// flattened features (mdistiller's convention; weight 3000, last feature map of each model).
/// Student and teacher layers may differ in every dimension but the batch.
/// </summary>
public sealed class SimilarityPreserving : LayerPairMethod, IDescribedMethod
{
    private readonly double _weight;

    public SimilarityPreserving(string student, string teacher, double similarityWeight) : base(nameof(SimilarityPreserving), student, teacher)
    {
        _weight = similarityWeight;
        RegisterComponents();
    }

    public static MethodDescriptor Descriptor { get; } = MethodDescriptor.For<SimilarityPreservingOptions>(
        "sp",
        "Match how similar the samples of a batch are to each other (Gram matrices of a layer).",
        "Tung & Mori 2019, Similarity-Preserving Knowledge Distillation",
        defaultHardLabelWeight: 1,
        create: (o, context) =>
        {
            var (s, t) = LayerChoice.Single(o.StudentLayer, o.TeacherLayer, context, DefaultLayers.LastFeatureMap, "sp");
            return new SimilarityPreserving(s, t, o.SimilarityWeight);
        },
        readsLayers: true);

    public override LossTerms forward(DistillationStep step) =>
        new LossTerms().Add("sp", SimilarityPreservingLoss.Compute(step.StudentFeatures[StudentLayer], step.TeacherFeatures[TeacherLayer]), _weight);
}
