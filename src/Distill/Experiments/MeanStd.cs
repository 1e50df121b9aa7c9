using System.Globalization;

namespace Distill.Experiments;

/// <summary>Mean and sample standard deviation (n - 1) of a few runs; the deviation is 0 for one run.</summary>
public readonly record struct MeanStd(double Mean, double Std, int Count)
{
    public static MeanStd Of(IEnumerable<double> values)
    {
        var list = values.ToList();
        if (list.Count == 0) return new MeanStd(double.NaN, double.NaN, 0);
        var mean = list.Average();
        var std = list.Count > 1 ? Math.Sqrt(list.Sum(v => (v - mean) * (v - mean)) / (list.Count - 1)) : 0;
        return new MeanStd(mean, std, list.Count);
    }

    /// <summary>"mean ± std" with <paramref name="format"/>, times <paramref name="scale"/> (100 for percentages).</summary>
    public string Format(string format, double scale = 1, string unit = "") =>
        Count <= 1
            ? (Mean * scale).ToString(format, CultureInfo.InvariantCulture) + unit
            : $"{(Mean * scale).ToString(format, CultureInfo.InvariantCulture)} ± {(Std * scale).ToString(format, CultureInfo.InvariantCulture)}{unit}";
}
