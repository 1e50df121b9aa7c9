using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace Distill.Cli;

/// <summary>
/// Help for every command in one layout (<see cref="HelpText"/>), with a command's options under
/// headings (distillation, data, teacher, ...) when the command names its groups.
/// </summary>
internal static class HelpGroups
{
    private static readonly Dictionary<Command, IReadOnlyList<(string Title, IReadOnlyList<Option> Options)>> Groups = [];

    /// <summary>Lists <paramref name="command"/>'s options under these headings, in this order; options in none come last.</summary>
    public static void Set(Command command, params (string Title, IReadOnlyList<Option> Options)[] groups)
    {
        lock (Groups) Groups[command] = groups;
    }

    /// <summary>Makes the help option under <paramref name="root"/> write <see cref="HelpText"/> at <paramref name="width"/> columns.</summary>
    public static void Install(RootCommand root, int width)
    {
        foreach (var help in root.Options.OfType<HelpOption>())
            help.Action = new LayoutHelpAction(width);
    }

    private sealed class LayoutHelpAction(int width) : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            var command = parseResult.CommandResult.Command;
            IReadOnlyList<(string Title, IReadOnlyList<Option> Options)>? groups;
            lock (Groups) Groups.TryGetValue(command, out groups);
            // The root's recursive options (--help, --wide, --device) apply to every command, so every command lists them.
            var inherited = command is RootCommand ? [] : parseResult.RootCommandResult.Command.Options.Where(o => o.Recursive).ToList();
            parseResult.InvocationConfiguration.Output.Write(
                HelpText.Write(command, Suggestions.Path(parseResult), groups ?? [], inherited, width));
            return 0;
        }
    }
}
