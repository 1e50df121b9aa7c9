namespace Distill.Losses;

internal static class TemperatureCheck
{
    public static void Check(double temperature)
    {
        if (!(temperature > 0) || double.IsInfinity(temperature))
            throw new DistillException(FormattableString.Invariant($"The temperature must be a positive number, not {temperature}."));
    }
}
