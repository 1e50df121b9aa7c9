namespace Distill.Teachers;

/// <summary>How a <see cref="TeacherEnsemble"/> combines its members' outputs into one teacher.</summary>
public enum EnsembleMode
{
    /// <summary>The mean of the members' logits.</summary>
    Logits,

    /// <summary>The mean of the members' probabilities at the distillation temperature T.</summary>
    Probabilities,

    /// <summary>The members' probabilities at T, averaged per sample with weights proportional to each member's confidence (its top probability at T = 1).</summary>
    Confidence,
}
