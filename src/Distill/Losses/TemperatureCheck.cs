namespace Distill.Losses;

internal static class TemperatureCheck
{
    /// <summary>Above this the soft targets are uniform to float32 precision and T^2 only inflates the loss.</summary>
    public const double Max = 1000;

    public static void Check(double temperature)
    {
        if (!(temperature > 0) || temperature > Max)
            throw new DistillException(FormattableString.Invariant($"The temperature must be a number above 0 and at most {Max:g}, not {temperature}."));
    }
}
