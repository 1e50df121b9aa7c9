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
    double Seconds);
