namespace Distill.Losses;

internal static class TemperatureCheck
{
    /// <summary>
    /// Highest temperature accepted. Beyond it the soft targets are uniform to float precision and
    /// the T² scale overflows (1e300² is infinite), so a larger value can only be a mistake.
    /// </summary>
    public const double MaxTemperature = 1000;

    public static void Check(double temperature)
    {
        if (!(temperature > 0) || double.IsInfinity(temperature))
            throw new DistillException(FormattableString.Invariant($"The temperature must be a positive number, not {temperature}."));
        if (temperature > MaxTemperature)
            throw new DistillException(FormattableString.Invariant($"The temperature must be at most {MaxTemperature}, not {temperature}."));
    }
}
