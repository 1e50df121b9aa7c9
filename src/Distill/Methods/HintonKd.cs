using Distill.Losses;

namespace Distill.Methods;

/// <summary>
/// Hinton KD (Hinton, Vinyals, Dean 2015, "Distilling the Knowledge in a Neural Network"):
/// soft_kl = SoftTargetWeight * T^2 * KL(softmax(z_t/T) || softmax(z_s/T)), KL summed over classes and
/// averaged over the batch. With the engine's hard term this is the paper's
/// L = HardLabelWeight * CE(y, z_s) + SoftTargetWeight * T^2 * KL. Defaults: T = 4, hard 0.1, soft 0.9.
/// </summary>
public sealed class HintonKd : DistillationMethod, IDescribedMethod
{
    private readonly double _temperature;
    private readonly double _weight;

    public HintonKd(double temperature, double softTargetWeight) : base(nameof(HintonKd))
    {
        TemperatureCheck.Check(temperature);
        _temperature = temperature;
        _weight = softTargetWeight;
        RegisterComponents();
    }

    /// <summary>
    /// kd's options are the top-level temperature and soft-target weight, as files spelt them before
    /// methods had blocks of their own, so its entry is the one built without an options record.
    /// </summary>
    public static MethodDescriptor Descriptor { get; } = new(
        "kd",
        "Match the teacher's temperature-softened class probabilities (KL x T^2).",
        "Hinton, Vinyals, Dean 2015, Distilling the Knowledge in a Neural Network",
        defaultHardLabelWeight: 0.1,
        readsLayers: false,
        optionsType: null,
        options: o => new { o.Temperature, o.SoftTargetWeight },
        create: (o, _) => new HintonKd(o.Temperature, o.SoftTargetWeight));

    public override LossTerms forward(DistillationStep step)
    {
        var terms = new LossTerms();
        if (_weight > 0)
            terms.Add("soft_kl", DistillationLosses.SoftTargetKl(step.StudentLogits, step.TeacherLogits, _temperature), _weight);
        return terms;
    }
}
