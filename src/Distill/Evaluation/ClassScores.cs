namespace Distill.Evaluation;

/// <summary>One class's precision, recall and F1 on the test set, and how many test rows hold it.</summary>
/// <param name="Support">Test rows whose true class this is.</param>
public sealed record ClassScores(double Precision, double Recall, double F1, long Support);
