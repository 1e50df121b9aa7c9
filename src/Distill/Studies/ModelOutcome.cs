using Distill.Training;

namespace Distill.Studies;

/// <summary>
/// One model's line in a study. Test numbers are for the epoch chosen on the validation split
/// ("best"); the last epoch's are kept beside them because the field often confuses the two.
/// </summary>
public sealed record ModelOutcome(
    ModelRole Role,
    string Spec,
    long Parameters,
    long SizeBytes,
    string Hyperparameters,
    double TestAccuracy,
    long TestErrors,
    double LastEpochTestAccuracy,
    long LastEpochTestErrors,
    int BestEpoch,
    int EpochsRun,
    double TrainingSeconds,
    double LatencyMilliseconds,
    string WeightsPath,
    IReadOnlyList<EpochRecord> History,
    long[][] ConfusionMatrix)
{
    /// <summary>Parameters the distillation methods trained besides the student (regressors, embeddings): training-only, never part of the student's size.</summary>
    public long MethodParameters { get; init; }

    /// <summary>The row's name where the role alone does not say it (an ensemble member, an assistant, the chain's student); null in older results.</summary>
    public string? Title { get; init; }

    /// <summary>The <see cref="Label"/> of the model a distilled model learnt from; null for models trained on labels alone and in older results.</summary>
    public string? DistilledFrom { get; init; }

    /// <summary>The model's test predictions and logits (<see cref="Evaluation.TestPredictions"/>); null in older results.</summary>
    public string? PredictionsPath { get; init; }

    public string Label => Title ?? Role switch
    {
        ModelRole.Teacher => "Teacher",
        ModelRole.Scratch => "Student (scratch)",
        ModelRole.Member => "Teacher (ensemble member)",
        ModelRole.Assistant => "Teacher assistant",
        ModelRole.SweepTeacher => "Teacher (capacity sweep)",
        ModelRole.Peer => "Mutual-learning peer",
        ModelRole.Pruned => "Pruned student",
        _ => "Student (distilled)",
    };
}
