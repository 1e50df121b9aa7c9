using System.CommandLine;
using System.Globalization;
using System.Text;

namespace Distill.Cli;

/// <summary>
/// The one help layout of every command: description, usage, arguments, subcommands, then the
/// options (under the command's headings when it has them), two columns wrapped to a width.
/// </summary>
internal static class HelpText
{
    // Beyond this the left column leaves too little room for descriptions; longer names get their own line.
    private const int MaxLeftColumn = 40;

    /// <param name="path">The command as typed, e.g. "distill data fetch".</param>
    /// <param name="groups">Headings for the command's options; options in none are listed last.</param>
    /// <param name="inherited">Options of the root that every command takes (--help, --wide).</param>
    public static string Write(Command command, string path, IReadOnlyList<(string Title, IReadOnlyList<Option> Options)> groups,
        IReadOnlyList<Option> inherited, int width)
    {
        var sections = new List<(string Title, List<(string Left, string Right)> Rows)>();
        var arguments = command.Arguments.Where(a => !a.Hidden).ToList();
        sections.Add(("Arguments", arguments.Select(a => (Argument(a), a.Description ?? "")).ToList()));
        sections.Add(("Commands", command.Subcommands.Where(c => !c.Hidden).Select(c => (c.Name, c.Description ?? "")).ToList()));
        var listed = groups.SelectMany(g => g.Options).ToHashSet();
        var rest = command.Options.Where(o => !listed.Contains(o)).Concat(inherited).ToList();
        foreach (var (title, options) in groups.Append((groups.Count > 0 ? "Other options" : "Options", rest)))
            sections.Add((title, options.Where(o => !o.Hidden).Select(o => (Usage(o), Description(o))).ToList()));
        sections.RemoveAll(s => s.Rows.Count == 0);

        var left = Math.Min(sections.SelectMany(s => s.Rows).Select(r => r.Left.Length + 2).DefaultIfEmpty(0).Max(), Math.Min(MaxLeftColumn, width * 2 / 5));
        var text = new StringBuilder("Description:\n");
        foreach (var line in Wrap(command.Description ?? "", width - 2)) text.Append("  ").Append(line).Append('\n');
        text.Append("\nUsage:\n");
        var usage = path + (arguments.Count > 0 ? " " + string.Join(' ', arguments.Select(Argument)) : "")
                    + (command.Subcommands.Count > 0 ? " [command]" : "") + " [options]";
        foreach (var line in Wrap(usage, width - 2)) text.Append("  ").Append(line).Append('\n');
        foreach (var (title, rows) in sections)
        {
            text.Append('\n').Append(title).Append(":\n");
            foreach (var (name, description) in rows) AppendRow(text, name, description, left, width);
        }
        return text.ToString();
    }

    private static void AppendRow(StringBuilder text, string name, string description, int left, int width)
    {
        var first = true;
        if (name.Length + 2 > left)
        {
            text.Append("  ").Append(name).Append('\n');
            first = false;
        }
        foreach (var line in Wrap(description, width - left - 2))
        {
            text.Append("  ").Append((first ? name : "").PadRight(left)).Append(line).Append('\n');
            first = false;
        }
    }

    private static string Argument(Argument argument) =>
        argument.Arity.MaximumNumberOfValues > 1 ? $"<{argument.Name}>..." : $"<{argument.Name}>";

    private static string Usage(Option option)
    {
        // The parser also accepts Windows' /h and /?; help shows one spelling per platform's habit.
        var names = string.Join(", ", option.Aliases.Where(a => a.StartsWith('-') && !a.StartsWith("--", StringComparison.Ordinal))
            .Concat([option.Name]).Concat(option.Aliases.Where(a => a.StartsWith("--", StringComparison.Ordinal))));
        if (option.ValueType == typeof(bool) || option.Arity.MaximumNumberOfValues == 0) return names;
        var value = option.HelpName ?? (option.ValueType == typeof(int) || option.ValueType == typeof(int?) ? "N"
            : option.ValueType == typeof(double) || option.ValueType == typeof(double?) ? "X"
            : option.Name.Split('-', StringSplitOptions.RemoveEmptyEntries)[^1].ToUpperInvariant());
        return $"{names} <{value}>";
    }

    private static string Description(Option option)
    {
        if (!option.HasDefaultValue || option.ValueType == typeof(bool)) return option.Description ?? "";
        var value = option.GetDefaultValue();
        var shown = value switch
        {
            null => null,
            double d => d.ToString("g", CultureInfo.InvariantCulture),
            System.Collections.IEnumerable list and not string => string.Join(" ", list.Cast<IFormattable>().Select(v => v.ToString(null, CultureInfo.InvariantCulture))),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString(),
        };
        return shown is null ? option.Description ?? "" : $"{option.Description} [default: {shown}]";
    }

    /// <summary>Lines of at most <paramref name="width"/> characters, broken between words; a longer word is cut.</summary>
    internal static List<string> Wrap(string text, int width)
    {
        width = Math.Max(10, width);
        var lines = new List<string>();
        var line = new StringBuilder();
        foreach (var whole in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var word = whole;
            if (line.Length > 0 && line.Length + 1 + word.Length > width)
            {
                lines.Add(line.ToString());
                line.Clear();
            }
            for (; word.Length > width; word = word[width..]) lines.Add(word[..width]);
            if (line.Length > 0) line.Append(' ');
            line.Append(word);
        }
        if (line.Length > 0 || lines.Count == 0) lines.Add(line.ToString());
        return lines;
    }
}
