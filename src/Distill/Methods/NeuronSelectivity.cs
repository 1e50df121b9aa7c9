using Distill.Losses;
using static TorchSharp.torch;

namespace Distill.Methods;

/// <summary>
/// Neuron selectivity transfer (Huang &amp; Wang 2017, "Like What You Like: Knowledge Distill via
/// Neuron Selectivity Transfer"): nst = MmdWeight * sum over layer pairs of the squared MMD with a
/// degree-2 polynomial kernel between the L2-normalised spatial distributions of each channel
/// (mdistiller's convention; weight 50). Default layers: the stages both models share.
/// </summary>
public sealed class NeuronSelectivity : DistillationMethod, IDescribedMethod
{
    private readonly IReadOnlyList<(string Student, string Teacher)> _pairs;
    private readonly double _weight;

    public NeuronSelectivity(IReadOnlyList<(string Student, string Teacher)> pairs, double mmdWeight) : base(nameof(NeuronSelectivity))
    {
        _pairs = pairs;
        _weight = mmdWeight;
        RegisterComponents();
    }

    public static MethodDescriptor Descriptor { get; } = MethodDescriptor.For<NeuronSelectivityOptions>(
        "nst",
        "Match how each channel's activations are distributed over space (MMD, polynomial kernel).",
        "Huang & Wang 2017, Like What You Like: Knowledge Distill via Neuron Selectivity Transfer",
        defaultHardLabelWeight: 1,
        create: (o, context) => new NeuronSelectivity(LayerChoice.Pairs(o.StudentLayers, o.TeacherLayers, context, "nst"), o.MmdWeight),
        readsLayers: true);

    public override IReadOnlyList<string> StudentLayers => [.. _pairs.Select(p => p.Student)];

    public override IReadOnlyList<string> TeacherLayers => [.. _pairs.Select(p => p.Teacher)];

    public override LossTerms forward(DistillationStep step) =>
        new LossTerms().Add("nst", NeuronSelectivityLoss.Sum(
            [.. _pairs.Select(p => step.StudentFeatures[p.Student])], [.. _pairs.Select(p => step.TeacherFeatures[p.Teacher])]), _weight);
}
