namespace Distill.Methods;

/// <summary>
/// Hinton KD's options as an object, for <see cref="Studies.Distiller.With"/>: they are the top-level
/// <see cref="DistillationOptions.Temperature"/> and <see cref="DistillationOptions.SoftTargetWeight"/>
/// (files have spelt them there since before methods had blocks), so this record has no block of its own.
/// soft_kl = SoftTargetWeight * T^2 * KL(softmax(z_t/T) || softmax(z_s/T)) (Hinton, Vinyals, Dean 2015).
/// </summary>
public sealed record KdOptions : IValidatable
{
    /// <summary>Softmax temperature T of the soft targets.</summary>
    public double Temperature { get; init; } = 4.0;

    /// <summary>Weight of the T^2-scaled KL divergence to the teacher's soft targets.</summary>
    public double SoftTargetWeight { get; init; } = 0.9;

    public void Validate()
    {
        Losses.TemperatureCheck.Check(Temperature);
        OptionCheck.Weight(SoftTargetWeight, "softTargetWeight");
    }
}
