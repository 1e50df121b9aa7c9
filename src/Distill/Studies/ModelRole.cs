namespace Distill.Studies;

public enum ModelRole
{
    Teacher,
    Scratch,
    Distilled,

    /// <summary>One teacher of an ensemble; the ensemble itself is the study's teacher.</summary>
    Member,

    /// <summary>A teacher assistant of a chain: distilled from the model before it, teacher of the one after.</summary>
    Assistant,

    /// <summary>One more teacher of a capacity sweep, distilled into a student of its own beside the study's teacher.</summary>
    SweepTeacher,

    /// <summary>A peer of deep mutual learning, trained from scratch together with the others, or their cohort.</summary>
    Peer,

    /// <summary>A pruned copy of a finished student, fine-tuned from the teacher or on the labels (<c>prune</c>, <c>deploy</c>; <see cref="PruningStart"/>).</summary>
    Pruned,
}
