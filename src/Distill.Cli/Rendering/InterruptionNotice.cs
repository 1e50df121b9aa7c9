using Spectre.Console;

namespace Distill.Cli.Rendering;

/// <summary>
/// On Ctrl-C while a run trains: shows the cursor again (the live display hides it) and says how
/// to continue the run; the process then stops as usual, leaving the run folder's last whole
/// epoch for <c>--resume</c>.
/// </summary>
internal sealed class InterruptionNotice : IDisposable
{
    private readonly IAnsiConsole _console;
    private readonly string? _resumeCommand;

    public InterruptionNotice(IAnsiConsole console, string? resumeCommand)
    {
        _console = console;
        _resumeCommand = resumeCommand;
        Console.CancelKeyPress += OnCancel;
    }

    /// <summary>The lines said on an interruption.</summary>
    public static string Message(string? resumeCommand) => resumeCommand is null
        ? "Interrupted."
        : $"Interrupted. Continue this run from its last whole epoch with: {resumeCommand}";

    private void OnCancel(object? sender, ConsoleCancelEventArgs e)
    {
        if (_console.Profile.Capabilities.Ansi) _console.Write(new ControlCode("\u001b[?25h"));
        _console.WriteLine();
        _console.MarkupLine("[yellow]" + Markup.Escape(Message(_resumeCommand)) + "[/]");
    }

    public void Dispose() => Console.CancelKeyPress -= OnCancel;
}
