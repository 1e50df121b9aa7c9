namespace Distill.Losses;

/// <summary>
/// A distillation method: turns one batch of student and teacher outputs into named loss terms.
/// Methods are small and stateless; the distiller owns the teacher and the training loop.
/// </summary>
public interface IDistillationMethod
{
    string Name { get; }

    LossTerms Compute(DistillationBatch batch);
}
