namespace Distill.Studies;

/// <summary>The three models of a study and where its files are.</summary>
public sealed record StudyResult(
    string RunDirectory,
    string Dataset,
    long TestCount,
    IReadOnlyList<ModelOutcome> Models,
    DateTimeOffset Finished)
{
    /// <summary>The data's class names in label order (rows and columns of the confusion matrices); null in older results.</summary>
    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>The rows the validation split actually held (the data's own part, or those carved from training); null in older results.</summary>
    public long? ValidationCount { get; init; }

    public ModelOutcome? Find(ModelRole role) => Models.FirstOrDefault(m => m.Role == role);

    /// <summary>Test errors the distilled student saves over its scratch twin (positive is better); null without both.</summary>
    public long? ErrorsSavedByDistillation =>
        Find(ModelRole.Scratch) is { } scratch && Find(ModelRole.Distilled) is { } distilled
            ? scratch.TestErrors - distilled.TestErrors
            : null;
}
