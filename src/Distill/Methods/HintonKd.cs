using Distill.Losses;

namespace Distill.Methods;

/// <summary>
/// Hinton KD (Hinton, Vinyals, Dean 2015, "Distilling the Knowledge in a Neural Network"):
/// soft_kl = SoftTargetWeight * T^2 * KL(softmax(z_t/T) || softmax(z_s/T)), KL summed over classes and
/// averaged over the batch. With the engine's hard term this is the paper's
/// L = HardLabelWeight * CE(y, z_s) + SoftTargetWeight * T^2 * KL. Defaults: T = 4, hard 0.1, soft 0.9,
/// a temperature warm-up of N = 20 epochs: epoch e (from 1) uses T_e = 1 + (T - 1) * min((e - 1) / N, 1)
/// in place of T, so the first epoch runs at T 1 and T is reached at epoch N + 1 (N = 0: T throughout).
/// </summary>
public sealed class HintonKd : DistillationMethod, IDescribedMethod
{
    private readonly double _temperature;
    private readonly double _weight;
    private readonly int _warmupEpochs;

    /// <param name="temperatureWarmupEpochs">0 when built directly (the plain loss at T); kd as --method,
    /// experiment files and <see cref="Studies.Distiller"/> build it with <see cref="DistillationOptions.TemperatureWarmupEpochs"/>, 20 by default.</param>
    public HintonKd(double temperature, double softTargetWeight, int temperatureWarmupEpochs = 0) : base(nameof(HintonKd))
    {
        TemperatureCheck.Check(temperature);
        _temperature = temperature;
        _weight = softTargetWeight;
        _warmupEpochs = temperatureWarmupEpochs;
        RegisterComponents();
    }

    /// <summary>
    /// The temperature of epoch <paramref name="epoch"/> (from 1): T, or on the warm-up's linear ramp,
    /// 1 at the first epoch and T from epoch N + 1 on.
    /// </summary>
    public double TemperatureAt(int epoch) =>
        _warmupEpochs <= 0 ? _temperature : 1 + (_temperature - 1) * Math.Clamp((double)(epoch - 1) / _warmupEpochs, 0, 1);

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
        options: o => new { o.Temperature, o.SoftTargetWeight, o.TemperatureWarmupEpochs },
        create: (o, _) => new HintonKd(o.Temperature, o.SoftTargetWeight, o.TemperatureWarmupEpochs));

    public override LossTerms forward(DistillationStep step)
    {
        var terms = new LossTerms();
        if (_weight > 0)
            terms.Add("soft_kl", DistillationLosses.SoftTargetKl(step.StudentLogits, step.TeacherLogits, TemperatureAt(step.Epoch)), _weight);
        return terms;
    }
}
