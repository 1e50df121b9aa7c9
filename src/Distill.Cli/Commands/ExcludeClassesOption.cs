using System.CommandLine;

namespace Distill.Cli.Commands;

/// <summary>--exclude-classes: the classes the students never see (Hinton et al. 2015 §3's transfer set without the 3s).</summary>
internal static class ExcludeClassesOption
{
    public static Option<string?> Create() => new("--exclude-classes")
    {
        Description = "Leave every row of these classes (names or label numbers, comma-separated, e.g. 3) out of the students' training and validation data; the teacher and the test set keep every class. See `distill eval --class-bias` to correct the student afterwards.",
        HelpName = "CLASSES",
    };

    /// <summary>The classes given, or null; names are checked against the data when it is loaded.</summary>
    public static IReadOnlyList<string>? Read(ParseResult parse, Option<string?> option)
    {
        if (parse.GetValue(option) is not { } text) return null;
        var classes = text.Split(',', StringSplitOptions.TrimEntries);
        if (classes.Any(c => c.Length == 0))
            throw new DistillException($"--exclude-classes takes class names or label numbers separated by commas, not '{text}'.");
        return classes;
    }
}
