namespace Distill.Cli.Commands;

/// <summary>
/// The command and arguments that started a run (command-line.json in its folder), so
/// <c>--resume</c> continues it with exactly the options it began with.
/// </summary>
internal sealed record SavedCommandLine(string Command, IReadOnlyList<string> Arguments)
{
    public const string FileName = Runs.RepeatCommand.FileName;
}
