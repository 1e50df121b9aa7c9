using static TorchSharp.torch;

namespace Distill.Teachers;

/// <summary>
/// Where a distilled student's teacher outputs come from: a cache computed once, a live frozen
/// module, and later ensembles and imported models. The trainer never asks which.
/// </summary>
public interface ITeacherSource
{
    /// <summary>The teacher layers this source provides besides the logits.</summary>
    IReadOnlyList<string> Layers { get; }

    /// <summary>True when outputs are looked up rather than computed per step.</summary>
    bool IsCached { get; }

    /// <summary>Outputs for one batch: <paramref name="inputs"/> as the student saw them, <paramref name="rows"/> their training-set rows.</summary>
    TeacherOutputs Outputs(Tensor inputs, Tensor rows);
}
