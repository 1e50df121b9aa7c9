namespace Distill.Training;

/// <summary>One line of a run's history (metrics.jsonl).</summary>
public sealed record EpochRecord(
    string Model,
    int Epoch,
    double LearningRate,
    double TrainLoss,
    IReadOnlyDictionary<string, double> LossTerms,
    double TrainAccuracy,
    double ValidationLoss,
    double ValidationAccuracy,
    double Seconds)
{
    /// <summary>
    /// The terms of <see cref="EpochRecord.LossTerms"/> before their weights, for those the objective
    /// names a weight for (hard_ce before the hard-label weight, soft_kl before the soft-target
    /// weight: T^2 * KL); null in older metrics.
    /// </summary>
    public IReadOnlyDictionary<string, double>? UnweightedLossTerms { get; init; }

    /// <summary>
    /// The train objective within the epoch: the mean over consecutive runs of steps, at most
    /// <see cref="Trainer.MaxStepPoints"/> values per epoch so metrics.jsonl stays small; null in older metrics.
    /// </summary>
    public IReadOnlyList<double>? StepLosses { get; init; }
}
