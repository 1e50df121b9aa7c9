namespace Distill.Export;

/// <summary>
/// The values one activation took during calibration: its extremes, and (for percentile calibration)
/// an even sample of at most <see cref="SampleLimit"/> values per batch to read percentiles from.
/// </summary>
internal sealed class ActivationRange(bool keepSamples)
{
    private const int SampleLimit = 20_000;
    private readonly List<float> _samples = [];

    public float Min { get; private set; } = float.PositiveInfinity;

    public float Max { get; private set; } = float.NegativeInfinity;

    public void Add(ReadOnlySpan<float> values)
    {
        foreach (var v in values)
        {
            if (v < Min) Min = v;
            if (v > Max) Max = v;
        }
        if (!keepSamples) return;
        var step = Math.Max(1, values.Length / SampleLimit);
        for (var i = 0; i < values.Length; i += step) _samples.Add(values[i]);
    }

    /// <summary>The range to quantize to: the extremes, or the percentiles; always holding zero (so zero is exact).</summary>
    public (float Low, float High) Range(CalibrationMethod method, double percentile)
    {
        var (low, high) = (Min, Max);
        if (method == CalibrationMethod.Percentile && _samples.Count > 0)
        {
            _samples.Sort();
            low = _samples[(int)Math.Floor((100 - percentile) / 100 * (_samples.Count - 1))];
            high = _samples[(int)Math.Ceiling(percentile / 100 * (_samples.Count - 1))];
        }
        if (!float.IsFinite(low) || !float.IsFinite(high)) (low, high) = (0, 0);
        return (Math.Min(low, 0), Math.Max(high, 0));
    }
}
