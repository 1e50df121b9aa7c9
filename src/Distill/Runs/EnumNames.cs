namespace Distill.Runs;

/// <summary>
/// The one spelling of option values in help, errors, experiment files and saved runs: the
/// member's name in lower case (<c>adamw</c>, <c>bfloat16</c>, <c>cosine</c>). Reading also takes
/// any case and the hyphenated spelling older files used (<c>adam-w</c>, <c>max-pool</c>).
/// </summary>
public static class EnumNames
{
    public static string Name<T>(T value) where T : struct, Enum => Name((Enum)value);

    public static string Name(Enum value) => value.ToString().ToLowerInvariant();

    /// <summary>Every member's spelling, in declaration order.</summary>
    public static IReadOnlyList<string> All<T>() where T : struct, Enum => [.. Enum.GetValues<T>().Select(v => Name(v))];

    /// <summary>Every member's spelling of <paramref name="type"/>, in declaration order.</summary>
    public static IReadOnlyList<string> All(Type type) => [.. Enum.GetValues(type).Cast<Enum>().Select(Name)];

    public static bool TryParse<T>(string? text, out T value) where T : struct, Enum
    {
        var found = TryParse(typeof(T), text, out var member);
        value = found ? (T)member! : default;
        return found;
    }

    public static bool TryParse(Type type, string? text, out object? value)
    {
        value = null;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var key = Normalize(text);
        foreach (Enum member in Enum.GetValues(type))
            if (Normalize(member.ToString()) == key)
            {
                value = member;
                return true;
            }
        return false;
    }

    private static string Normalize(string text) =>
        new([.. text.Where(c => c is not ('-' or '_' or ' ')).Select(char.ToLowerInvariant)]);
}
