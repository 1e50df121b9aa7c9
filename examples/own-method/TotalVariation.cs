using Distill.Losses;
using Distill.Methods;
using static TorchSharp.torch;

namespace Examples;

/// <summary>
/// Total variation distillation, a method defined outside the library: total_variation =
/// TotalVariationWeight * 0.5 * sum |p_s - p_t| with p = softmax(z / T), summed over classes and averaged
/// over the batch. Unlike the KL divergences it is bounded (0 to 1) and symmetric, so a teacher that is
/// confidently wrong on a row cannot dominate the batch (Wen, Li, Du, Mou 2023, "f-Divergence Minimization
/// for Sequence-Level Knowledge Distillation", which distils with it among other f-divergences).
/// </summary>
public sealed class TotalVariation : DistillationMethod, IDescribedMethod
{
    private readonly TotalVariationOptions _options;

    public TotalVariation(TotalVariationOptions options) : base(nameof(TotalVariation))
    {
        _options = options;
        RegisterComponents();
    }

    public static MethodDescriptor Descriptor { get; } = MethodDescriptor.For<TotalVariationOptions>(
        "total-variation",
        "Match the teacher's softened probabilities by their total variation distance, 0.5 * sum |p_s - p_t|.",
        "Wen, Li, Du, Mou 2023, f-Divergence Minimization for Sequence-Level Knowledge Distillation",
        defaultHardLabelWeight: 0.1,
        create: (options, _) => new TotalVariation(options));

    public override LossTerms forward(DistillationStep step) =>
        new LossTerms().Add("total_variation", Loss(step.StudentLogits, step.TeacherLogits, _options.Temperature), _options.TotalVariationWeight);

    /// <summary>0.5 * sum over classes of |softmax(z_s/T) - softmax(z_t/T)|, batch mean.</summary>
    public static Tensor Loss(Tensor studentLogits, Tensor teacherLogits, double temperature)
    {
        var student = nn.functional.softmax(studentLogits / temperature, 1);
        var teacher = nn.functional.softmax(teacherLogits / temperature, 1);
        return (student - teacher).abs().sum(1).mean() * 0.5;
    }
}
