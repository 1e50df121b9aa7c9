using Distill.Features;
using Distill.Losses;
using static TorchSharp.torch;

namespace Distill.Methods;

/// <summary>
/// Relational KD (Park et al. 2019, "Relational Knowledge Distillation"): rkd_distance =
/// DistanceWeight * smoothL1(psi_D(s), psi_D(t)) over pairwise distances normalised by their mean,
/// rkd_angle = AngleWeight * smoothL1 over the cosines of the angles of every triplet, on the
/// embeddings (the classifier's input; vectors are flattened). mdistiller's weights 25 and 50.
/// </summary>
public sealed class Relational : LayerPairMethod, IDescribedMethod
{
    private readonly RelationalOptions _options;

    public Relational(string student, string teacher, RelationalOptions options) : base(nameof(Relational), student, teacher)
    {
        _options = options;
        RegisterComponents();
    }

    public static MethodDescriptor Descriptor { get; } = MethodDescriptor.For<RelationalOptions>(
        "rkd",
        "Match the distances and angles between the samples' embeddings.",
        "Park, Kim, Lu, Cho 2019, Relational Knowledge Distillation",
        defaultHardLabelWeight: 1,
        create: (o, context) =>
        {
            var (s, t) = LayerChoice.Single(o.StudentLayer, o.TeacherLayer, context, DefaultLayers.Embedding, "rkd");
            return new Relational(s, t, o);
        },
        readsLayers: true);

    public override LossTerms forward(DistillationStep step)
    {
        var student = step.StudentFeatures[StudentLayer].flatten(1);
        var teacher = step.TeacherFeatures[TeacherLayer].flatten(1);
        var terms = new LossTerms();
        if (_options.DistanceWeight > 0) terms.Add("rkd_distance", RelationalKnowledgeLoss.Distance(student, teacher), _options.DistanceWeight);
        if (_options.AngleWeight > 0) terms.Add("rkd_angle", RelationalKnowledgeLoss.Angle(student, teacher), _options.AngleWeight);
        return terms;
    }
}
