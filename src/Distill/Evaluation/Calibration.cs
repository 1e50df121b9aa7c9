namespace Distill.Evaluation;

/// <summary>
/// Expected calibration error (Naeini et al. 2015; Guo et al. 2017, "On Calibration of Modern
/// Neural Networks"): rows binned by top-1 confidence into equal-width bins (i/B, (i+1)/B],
/// ECE = sum over bins of |bin| / n * |accuracy(bin) - mean confidence(bin)|. 15 bins, as Guo et al.
/// The bins are the reliability diagram.
/// </summary>
public sealed record Calibration(double ExpectedError, IReadOnlyList<CalibrationBin> Bins)
{
    public const int DefaultBins = 15;

    public static Calibration Of(TestPredictions predictions, int binCount = DefaultBins)
    {
        if (binCount < 1) throw new ArgumentOutOfRangeException(nameof(binCount), "A reliability diagram needs at least one bin.");
        var counts = new long[binCount];
        var confidence = new double[binCount];
        var correct = new long[binCount];
        for (var row = 0; row < predictions.Count; row++)
        {
            var top = predictions.Probabilities(row).Max();
            var bin = Math.Clamp((int)Math.Ceiling(top * binCount) - 1, 0, binCount - 1);
            counts[bin]++;
            confidence[bin] += top;
            if (predictions.Predicted[row] == predictions.Labels[row]) correct[bin]++;
        }
        var bins = new List<CalibrationBin>();
        double error = 0;
        for (var b = 0; b < binCount; b++)
        {
            var meanConfidence = counts[b] == 0 ? double.NaN : confidence[b] / counts[b];
            var accuracy = counts[b] == 0 ? double.NaN : (double)correct[b] / counts[b];
            bins.Add(new CalibrationBin((double)b / binCount, (double)(b + 1) / binCount, counts[b], meanConfidence, accuracy));
            if (counts[b] > 0) error += (double)counts[b] / predictions.Count * Math.Abs(accuracy - meanConfidence);
        }
        return new Calibration(predictions.Count == 0 ? double.NaN : error, bins);
    }
}
