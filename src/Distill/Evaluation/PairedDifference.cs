using System.Globalization;

namespace Distill.Evaluation;

/// <summary>
/// The paired difference of two models trained on the same seeds (distilled − scratch, a method − kd):
/// the mean of the per-seed differences <c>d_i = a_i − b_i</c>, its 95 % confidence interval
/// <c>mean ± t_{0.975, n−1} · s / √n</c> (s: the sample standard deviation of the d_i; Student's t,
/// as in a paired t-test), and the seeds on which the first model was better. Pairing removes what the
/// two runs of one seed share (the initial weights, the batch order), so a gain far smaller than the
/// seed spread of either model can still be told from zero. An interval that excludes zero is the
/// evidence for a gain; the interval needs two seeds or more.
/// </summary>
public sealed record PairedDifference(int Count, double Mean, double Low, double High, int Won, int Lost)
{
    /// <summary>Confidence of the interval.</summary>
    public const double Confidence = 0.95;

    /// <summary>True when the interval lies wholly above or wholly below zero.</summary>
    public bool ExcludesZero => Low > 0 || High < 0;

    /// <summary>
    /// The difference of each pair (first − second); null with fewer than two pairs, where no interval exists.
    /// <paramref name="higherIsBetter"/> says which sign counts as a seed won (accuracy: positive; errors: negative).
    /// </summary>
    public static PairedDifference? Of(IEnumerable<(double First, double Second)> pairs, bool higherIsBetter = true)
    {
        var differences = pairs.Select(p => p.First - p.Second).ToList();
        var n = differences.Count;
        if (n < 2) return null;
        var mean = differences.Average();
        var std = Math.Sqrt(differences.Sum(d => (d - mean) * (d - mean)) / (n - 1));
        var half = StudentT.Quantile(1 - (1 - Confidence) / 2, n - 1) * std / Math.Sqrt(n);
        var won = differences.Count(d => higherIsBetter ? d > 0 : d < 0);
        var lost = differences.Count(d => higherIsBetter ? d < 0 : d > 0);
        return new PairedDifference(n, mean, mean - half, mean + half, won, lost);
    }

    /// <summary>"+0.12 [−0.05, +0.29]" with <paramref name="format"/>, times <paramref name="scale"/>, signs always shown.</summary>
    public string FormatInterval(string format, double scale = 1, string unit = "") =>
        $"{Signed(Mean * scale, format)} [{Signed(Low * scale, format)}, {Signed(High * scale, format)}]{unit}";

    /// <summary>"won 4 of 5" (ties count as neither).</summary>
    public string FormatWins() => string.Create(CultureInfo.InvariantCulture, $"won {Won} of {Count}");

    private static string Signed(double value, string format) =>
        (value > 0 ? "+" : "") + value.ToString(format, CultureInfo.InvariantCulture);
}
