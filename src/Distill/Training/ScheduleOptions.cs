using static TorchSharp.torch;

namespace Distill.Training;

/// <summary>How the learning rate changes from epoch to epoch.</summary>
public sealed record ScheduleOptions
{
    /// <summary>Constant, Step (multiply by Gamma every StepEpochs) or Cosine (anneal to MinLearningRate).</summary>
    public ScheduleKind Kind { get; init; } = ScheduleKind.Constant;

    /// <summary>Epochs between decays of the step schedule.</summary>
    public int StepEpochs { get; init; } = 10;

    /// <summary>Factor applied at each decay of the step schedule.</summary>
    public double Gamma { get; init; } = 0.1;

    /// <summary>Floor of the cosine schedule.</summary>
    public double MinLearningRate { get; init; }

    public void Validate()
    {
        if (StepEpochs <= 0) throw new DistillException($"The step schedule's StepEpochs must be positive, not {StepEpochs}.");
        if (!(Gamma > 0 && Gamma <= 1)) throw new DistillException($"The step schedule's Gamma must be in (0, 1], not {Gamma}.");
        if (!(MinLearningRate >= 0)) throw new DistillException($"The cosine schedule's MinLearningRate must be 0 or more, not {MinLearningRate}.");
    }

    public optim.lr_scheduler.LRScheduler? Create(optim.Optimizer optimizer, int epochs) => Kind switch
    {
        ScheduleKind.Step => optim.lr_scheduler.StepLR(optimizer, StepEpochs, Gamma),
        ScheduleKind.Cosine => optim.lr_scheduler.CosineAnnealingLR(optimizer, epochs, MinLearningRate),
        _ => null,
    };

    public override string ToString() => Kind switch
    {
        ScheduleKind.Step => FormattableString.Invariant($"step {StepEpochs}x{Gamma:g3}"),
        ScheduleKind.Cosine => "cosine",
        _ => "constant",
    };
}
