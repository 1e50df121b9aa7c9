using Distill.Losses;
using static TorchSharp.torch;

namespace Distill.Training;

/// <summary>Plain cross-entropy with the labels: how teachers and scratch baselines are trained.</summary>
public sealed class SupervisedObjective : ITrainingObjective
{
    public LossTerms Compute(Tensor logits, Tensor labels, Tensor inputs, Tensor rows) =>
        new LossTerms().Add("ce", DistillationLosses.HardLabelCrossEntropy(logits, labels));
}
