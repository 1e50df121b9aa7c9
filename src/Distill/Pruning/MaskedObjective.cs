using Distill.Losses;
using Distill.Training;
using static TorchSharp.torch;

namespace Distill.Pruning;

/// <summary>
/// Fine-tunes a pruned model with any objective (distillation from the teacher, as a rule) while its
/// pruned weights stay zero: the masks are applied again after every optimizer step.
/// </summary>
public sealed class MaskedObjective(ITrainingObjective inner, PruningMasks masks) : ITrainingObjective, IDisposable
{
    public (Tensor Logits, LossTerms Terms) Step(nn.Module<Tensor, Tensor> model, Tensor inputs, Tensor labels, Tensor rows, int epoch) =>
        inner.Step(model, inputs, labels, rows, epoch);

    public void AfterStep(nn.Module<Tensor, Tensor> model)
    {
        inner.AfterStep(model);
        masks.Apply();
    }

    public nn.Module? Companion => inner.Companion;

    public IReadOnlyDictionary<string, Generator> Generators => inner.Generators;

    public void Dispose() => (inner as IDisposable)?.Dispose();
}
