using Distill.Losses;
using static TorchSharp.torch;

namespace Distill.Training;

/// <summary>What a training step minimises, given the model's logits on a batch.</summary>
public interface ITrainingObjective
{
    /// <param name="logits">The trained model's outputs on <paramref name="inputs"/>.</param>
    /// <param name="labels">True classes of the batch.</param>
    /// <param name="inputs">The batch as the model saw it (after augmentation).</param>
    /// <param name="rows">Row indices of the batch in the training set (to look up cached values).</param>
    LossTerms Compute(Tensor logits, Tensor labels, Tensor inputs, Tensor rows);
}
