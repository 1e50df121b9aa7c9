namespace Distill.Evaluation;

/// <summary>The test rows whose top-1 confidence lies in (Lower, Upper]: how many, how confident, how often right.</summary>
public sealed record CalibrationBin(double Lower, double Upper, long Count, double MeanConfidence, double Accuracy);
