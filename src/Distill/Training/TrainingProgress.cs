namespace Distill.Training;

/// <summary>
/// A progress report from a training run: one per step while an epoch runs, and one with
/// <see cref="Completed"/> set when the epoch's validation is done.
/// </summary>
public sealed record TrainingProgress(
    string Model,
    int Epoch,
    int Epochs,
    int Step,
    int Steps,
    double RunningLoss,
    double RunningAccuracy,
    EpochRecord? Completed = null);
