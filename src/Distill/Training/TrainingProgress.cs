namespace Distill.Training;

/// <summary>
/// A progress report from a training run: one per step while an epoch runs, and one with
/// <see cref="Completed"/> set when the epoch's validation is done. <see cref="Restored"/> marks
/// epochs finished by an earlier, interrupted run and read back from its checkpoint.
/// </summary>
public sealed record TrainingProgress(
    string Model,
    int Epoch,
    int Epochs,
    int Step,
    int Steps,
    double RunningLoss,
    double RunningAccuracy,
    EpochRecord? Completed = null,
    bool Restored = false);
