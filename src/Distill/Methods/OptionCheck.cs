namespace Distill.Methods;

/// <summary>
/// The checks every method's options share, each error naming the option and the value; public so a
/// user's options record checks itself in the same words.
/// </summary>
public static class OptionCheck
{
    /// <summary>Loss weights are finite and at most a million: larger ones only overflow a float32 loss.</summary>
    public const double MaxWeight = 1e6;

    public static void Weight(double weight, string name)
    {
        if (!(weight >= 0) || weight > MaxWeight)
            throw new DistillException(FormattableString.Invariant($"The weight '{name}' must be a number from 0 to {MaxWeight:g}, not {weight}."));
    }

    public static void Positive(double value, string name, double max)
    {
        if (!(value > 0) || value > max)
            throw new DistillException(FormattableString.Invariant($"The option '{name}' must be a number above 0 and at most {max:g}, not {value}."));
    }

    public static void Count(long value, string name, long min, long max)
    {
        if (value < min || value > max)
            throw new DistillException(FormattableString.Invariant($"The option '{name}' must be a whole number from {min} to {max}, not {value}."));
    }

    public static void Layers(IReadOnlyList<string>? layers, string name)
    {
        if (layers is null) return;
        if (layers.Count == 0 || layers.Any(string.IsNullOrWhiteSpace))
            throw new DistillException($"The option '{name}' must list layer names (module paths such as conv2), or be left out for the defaults.");
    }
}
