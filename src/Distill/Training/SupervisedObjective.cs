using Distill.Losses;
using static TorchSharp.torch;

namespace Distill.Training;

/// <summary>Plain cross-entropy with the labels: how teachers and scratch baselines are trained.</summary>
public sealed class SupervisedObjective : ITrainingObjective
{
    public bool NeedsOnlyLogits => true;

    public (Tensor Logits, LossTerms Terms) Step(nn.Module<Tensor, Tensor> model, Tensor inputs, Tensor labels, Tensor rows, int epoch)
    {
        var logits = model.call(inputs);
        return (logits, new LossTerms().Add("ce", DistillationLosses.HardLabelCrossEntropy(logits, labels)));
    }
}
