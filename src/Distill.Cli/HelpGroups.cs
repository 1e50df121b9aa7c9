using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Globalization;

namespace Distill.Cli;

/// <summary>
/// Help that lists a command's options under headings (distillation, data, teacher, ...) when
/// the command names its groups, and as System.CommandLine lists them otherwise.
/// </summary>
internal static class HelpGroups
{
    private static readonly Dictionary<Command, IReadOnlyList<(string Title, IReadOnlyList<Option> Options)>> Groups = [];

    /// <summary>Lists <paramref name="command"/>'s options under these headings, in this order; options in none come last.</summary>
    public static void Set(Command command, params (string Title, IReadOnlyList<Option> Options)[] groups)
    {
        lock (Groups) Groups[command] = groups;
    }

    /// <summary>Makes the help option under <paramref name="root"/> use the grouped layout where a command has groups.</summary>
    public static void Install(RootCommand root, int maxWidth)
    {
        foreach (var help in root.Options.OfType<HelpOption>())
            help.Action = new GroupedHelpAction(help, help.Action!, maxWidth);
    }

    /// <summary>The help text of <paramref name="command"/> with its options grouped.</summary>
    public static string Write(Command command, IReadOnlyList<(string Title, IReadOnlyList<Option> Options)> groups, Option help, int maxWidth)
    {
        var listed = groups.SelectMany(g => g.Options).ToHashSet();
        var rest = command.Options.Where(o => !o.Hidden && !listed.Contains(o)).Append(help).ToList();
        var sections = groups.Append(("Other options", rest)).Where(g => g.Item2.Count > 0)
            .Select(g => (g.Item1, Rows: g.Item2.Where(o => !o.Hidden).Select(o => (Left: Usage(o), Right: Description(o))).ToList()))
            .ToList();
        var left = Math.Min(48, sections.SelectMany(s => s.Rows).Max(r => r.Left.Length) + 2);
        var text = new System.Text.StringBuilder();
        text.Append("Description:\n  ").Append(command.Description).Append("\n\n");
        text.Append("Usage:\n  distill ").Append(command.Name).Append(" [options]\n");
        foreach (var (title, rows) in sections)
        {
            text.Append('\n').Append(title).Append(":\n");
            foreach (var (usage, description) in rows)
            {
                var lines = Wrap(description, Math.Max(20, maxWidth - left - 2));
                var first = true;
                if (usage.Length + 2 > left)
                {
                    text.Append("  ").Append(usage).Append('\n');
                    first = false;
                }
                foreach (var line in lines)
                {
                    text.Append("  ").Append((first ? usage : "").PadRight(left)).Append(line).Append('\n');
                    first = false;
                }
            }
        }
        return text.ToString();
    }

    private static string Usage(Option option)
    {
        var names = string.Join(", ", option.Aliases.Where(a => !a.StartsWith("--", StringComparison.Ordinal))
            .Concat([option.Name]).Concat(option.Aliases.Where(a => a.StartsWith("--", StringComparison.Ordinal))));
        if (option.ValueType == typeof(bool)) return names;
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
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString(),
        };
        return shown is null ? option.Description ?? "" : $"{option.Description} [default: {shown}]";
    }

    private static List<string> Wrap(string text, int width)
    {
        var lines = new List<string>();
        var line = new System.Text.StringBuilder();
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > width)
            {
                lines.Add(line.ToString());
                line.Clear();
            }
            if (line.Length > 0) line.Append(' ');
            line.Append(word);
        }
        if (line.Length > 0 || lines.Count == 0) lines.Add(line.ToString());
        return lines;
    }

    private sealed class GroupedHelpAction(Option help, CommandLineAction fallback, int maxWidth) : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            IReadOnlyList<(string Title, IReadOnlyList<Option> Options)>? groups;
            lock (Groups) Groups.TryGetValue(parseResult.CommandResult.Command, out groups);
            if (groups is null) return ((SynchronousCommandLineAction)fallback).Invoke(parseResult);
            parseResult.InvocationConfiguration.Output.Write(Write(parseResult.CommandResult.Command, groups, help, maxWidth));
            return 0;
        }
    }
}
