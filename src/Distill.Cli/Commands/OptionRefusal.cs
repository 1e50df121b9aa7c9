namespace Distill.Cli.Commands;

/// <summary>
/// The options' own validation message, and the same message naming the flags it blames: shared by
/// the training and distillation option sets, which find the blamed flags each in their own way.
/// </summary>
internal static class OptionRefusal
{
    /// <summary>The message <paramref name="validate"/> refuses with, or null when it accepts.</summary>
    public static string? Of(Action validate)
    {
        try
        {
            validate();
            return null;
        }
        catch (DistillException e)
        {
            return e.Message;
        }
    }

    /// <summary>The refusal as one sentence ending in the flags to blame, when any are known.</summary>
    public static DistillException Naming(string refusal, IReadOnlyCollection<string> flags) =>
        new(flags.Count == 0 ? refusal : $"{refusal.TrimEnd('.')} ({string.Join(", ", flags)}).");
}
