namespace Distill.Training;

/// <summary>The outcome of a training run: its history and the epoch chosen on the validation split.</summary>
public sealed record TrainingResult(
    IReadOnlyList<EpochRecord> History,
    int BestEpoch,
    double BestValidationAccuracy,
    bool StoppedEarly,
    double Seconds);
