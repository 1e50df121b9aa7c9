namespace Distill.Methods;

/// <summary>
/// Hinton KD's options as an object, for <see cref="Studies.Distiller.With"/>: they are the top-level
/// <see cref="DistillationOptions.Temperature"/>, <see cref="DistillationOptions.SoftTargetWeight"/> and
/// <see cref="DistillationOptions.TemperatureWarmupEpochs"/> (files have spelt them there since before
/// methods had blocks), so this record has no block of its own.
/// soft_kl = SoftTargetWeight * T_e^2 * KL(softmax(z_t/T_e) || softmax(z_s/T_e)) (Hinton, Vinyals, Dean 2015),
/// T_e = 1 + (T - 1) min((e - 1) / N, 1) at epoch e with a warm-up of N epochs.
/// </summary>
public sealed record KdOptions : IValidatable
{
    /// <summary>Softmax temperature T of the soft targets.</summary>
    public double Temperature { get; init; } = 4.0;

    /// <summary>Weight of the T^2-scaled KL divergence to the teacher's soft targets.</summary>
    public double SoftTargetWeight { get; init; } = 0.9;

    /// <summary>Epochs over which T rises linearly from 1 (at the first epoch) to <see cref="Temperature"/>; 0: T throughout.</summary>
    public int TemperatureWarmupEpochs { get; init; } = DistillationOptions.DefaultTemperatureWarmupEpochs;

    public void Validate()
    {
        Losses.TemperatureCheck.Check(Temperature);
        OptionCheck.Weight(SoftTargetWeight, "softTargetWeight");
        OptionCheck.Count(TemperatureWarmupEpochs, "temperatureWarmupEpochs", 0, 100_000);
    }
}
