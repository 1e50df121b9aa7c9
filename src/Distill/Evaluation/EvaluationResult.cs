namespace Distill.Evaluation;

/// <summary>How a classifier did on a labelled set.</summary>
public sealed record EvaluationResult(long Count, long Correct, double Loss, long[][] ConfusionMatrix)
{
    public double Accuracy => Count == 0 ? 0 : (double)Correct / Count;

    public long Errors => Count - Correct;
}
