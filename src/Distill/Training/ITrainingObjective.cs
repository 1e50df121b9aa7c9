using Distill.Losses;
using static TorchSharp.torch;

namespace Distill.Training;

/// <summary>What a training step minimises: runs the model on a batch and names the loss terms.</summary>
public interface ITrainingObjective
{
    /// <param name="model">The model being trained.</param>
    /// <param name="inputs">The batch as the model sees it (after augmentation).</param>
    /// <param name="labels">True classes of the batch.</param>
    /// <param name="rows">Row indices of the batch in the training set (to look up cached values).</param>
    /// <param name="epoch">The epoch the step belongs to (1-based).</param>
    /// <returns>The model's logits and the named, weighted loss terms.</returns>
    (Tensor Logits, LossTerms Terms) Step(nn.Module<Tensor, Tensor> model, Tensor inputs, Tensor labels, Tensor rows, int epoch);

    /// <summary>
    /// True when a step reads nothing of the model but its logits and nothing of the inputs but their
    /// rows (no layer taps, no live teacher), so the trainer may step a classifier head on cached
    /// inputs in the model's place (<see cref="FrozenBaseCache"/>).
    /// </summary>
    bool NeedsOnlyLogits => false;

    /// <summary>Called after every optimizer step: a constraint on the weights (pruned ones back to zero) goes here.</summary>
    void AfterStep(nn.Module<Tensor, Tensor> model)
    {
    }

    /// <summary>Modules trained with the model and checkpointed with it (method regressors, embeddings, memory banks); null when none.</summary>
    nn.Module? Companion => null;

    /// <summary>Random generators the objective draws from, checkpointed with the run.</summary>
    IReadOnlyDictionary<string, Generator> Generators => new Dictionary<string, Generator>();
}
