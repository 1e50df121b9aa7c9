using Distill.Losses;
using static TorchSharp.torch;

namespace Distill.Methods;

/// <summary>
/// A distillation method: a module with its own options, learnable parameters where it has them
/// (regressors, embeddings), state where it has it (memory banks, as buffers), and named, weighted
/// loss terms. The engine trains its parameters with the student's, checkpoints its whole state,
/// and reads the layers it names from teacher and student through forward hooks.
/// </summary>
public abstract class DistillationMethod : nn.Module<DistillationStep, LossTerms>
{
    private static readonly IReadOnlyDictionary<string, Generator> NoGenerators = new Dictionary<string, Generator>();

    protected DistillationMethod(string name) : base(name)
    {
    }

    /// <summary>Student layers (module paths) whose outputs the method reads.</summary>
    public virtual IReadOnlyList<string> StudentLayers => [];

    /// <summary>Teacher layers (module paths) whose outputs the method reads.</summary>
    public virtual IReadOnlyList<string> TeacherLayers => [];

    /// <summary>Random generators the method draws from (CRD's negatives), checkpointed with the run.</summary>
    public virtual IReadOnlyDictionary<string, Generator> Generators => NoGenerators;
}
