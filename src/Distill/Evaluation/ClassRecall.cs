namespace Distill.Evaluation;

/// <summary>One class's recall on a test set: the share of its rows predicted as it; null when the test set has none.</summary>
public sealed record ClassRecall(string Class, double? Recall)
{
    /// <summary>The recall of every class of <paramref name="predictions"/>, in label order.</summary>
    public static IReadOnlyList<ClassRecall> Of(TestPredictions predictions, IReadOnlyList<string> classNames) =>
        [.. predictions.PerClassAccuracy().Select((r, c) => new ClassRecall(classNames[c], double.IsNaN(r) ? null : r))];
}
