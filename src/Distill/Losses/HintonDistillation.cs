using static TorchSharp.torch;

namespace Distill.Losses;

/// <summary>
/// Hinton KD (Hinton, Vinyals, Dean 2015):
/// L = HardLabelWeight * CE(y, z_s) + SoftTargetWeight * T^2 * KL(softmax(z_t/T) || softmax(z_s/T)).
/// </summary>
public sealed class HintonDistillation : IDistillationMethod
{
    public HintonDistillation(DistillationOptions options)
    {
        options.Validate();
        Options = options;
    }

    public DistillationOptions Options { get; }

    public string Name => "kd";

    public LossTerms Compute(DistillationBatch batch)
    {
        DistillationLosses.CheckShapes(batch.StudentLogits, batch.TeacherLogits);
        var terms = new LossTerms();
        if (Options.HardLabelWeight > 0)
            terms.Add("hard_ce", DistillationLosses.HardLabelCrossEntropy(batch.StudentLogits, batch.Labels) * Options.HardLabelWeight);
        if (Options.SoftTargetWeight > 0 || terms.Terms.Count == 0)
            terms.Add("soft_kl", DistillationLosses.SoftTargetKl(batch.StudentLogits, batch.TeacherLogits, Options.Temperature) * Options.SoftTargetWeight);
        return terms;
    }
}
