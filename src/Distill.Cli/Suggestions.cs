using System.CommandLine;

namespace Distill.Cli;

/// <summary>
/// One-sentence answers to a command line the parser could not match: the nearest flag or
/// command for a misspelling, and why there is no <c>--alpha</c>.
/// </summary>
internal static class Suggestions
{
    /// <summary>
    /// The field's alpha weights the hard-label term in some codebases (torchdistill) and the soft
    /// term in others (RepDistiller, mdistiller), so Distill takes neither guess.
    /// </summary>
    public const string Alpha =
        "There is no --alpha: the field's alpha weights the label term in some code and the teacher term in other code; " +
        "give --hard-weight (cross-entropy with the labels) and --soft-weight (T²-scaled KL to the teacher's soft targets) instead.";

    /// <summary>The sentence for the first token <paramref name="parsed"/> could not match, or null when there is none.</summary>
    public static string? ForUnmatched(ParseResult parsed)
    {
        var token = parsed.UnmatchedTokens.FirstOrDefault();
        if (token is null) return null;
        var name = token.Split('=', 2)[0];
        if (name is "--alpha" or "-alpha" or "-a") return Alpha;
        var command = parsed.CommandResult.Command;
        if (name.StartsWith('-'))
        {
            var flags = Flags(command).ToList();
            return Nearest(name, flags) is { } flag
                ? $"Unknown option '{name}' for '{Path(parsed)}'; did you mean '{flag}'?"
                : $"Unknown option '{name}' for '{Path(parsed)}'; '{Path(parsed)} --help' lists the options.";
        }
        if (command.Subcommands.Count == 0)
            return $"Unexpected argument '{token}' for '{Path(parsed)}'; '{Path(parsed)} --help' lists what it takes.";
        var names = command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name).ToList();
        return Nearest(token, names) is { } near
            ? $"Unknown command '{token}'; did you mean '{near}'?"
            : $"Unknown command '{token}'; the commands are {string.Join(", ", names)}.";
    }

    /// <summary>The command a parse reached, without any arguments it was given.</summary>
    public static string Path(ParseResult parsed)
    {
        var names = new List<string>();
        for (var result = parsed.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
            names.Add(result.Command is RootCommand ? "distill" : result.Command.Name);
        names.Reverse();
        return string.Join(' ', names);
    }

    /// <summary>
    /// The candidate nearest to <paramref name="given"/> by edit distance (a swap of two letters
    /// counts as one), if it is near enough to be a misspelling: at most a third of its length.
    /// </summary>
    public static string? Nearest(string given, IEnumerable<string> candidates)
    {
        var best = candidates
            .Select(c => (Name: c, Distance: Distance(given.ToLowerInvariant(), c.ToLowerInvariant())))
            .OrderBy(c => c.Distance).ThenBy(c => c.Name, StringComparer.Ordinal)
            .FirstOrDefault();
        if (best.Name is null) return null;
        var allowed = Math.Max(1, given.TrimStart('-').Length / 3);
        return best.Distance <= allowed ? best.Name : null;
    }

    private static IEnumerable<string> Flags(Command command) =>
        command.Options.Where(o => !o.Hidden).SelectMany(o => o.Aliases.Prepend(o.Name)).Where(n => n.StartsWith("--", StringComparison.Ordinal));

    /// <summary>Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps.</summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        return d[a.Length, b.Length];
    }
}
