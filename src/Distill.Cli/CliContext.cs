using Spectre.Console;

namespace Distill.Cli;

/// <summary>
/// Where a command writes: results (tables, JSON) to standard output, progress and errors to
/// standard error. Plain text, no colours and no live display when a stream is not a terminal.
/// </summary>
public sealed class CliContext
{
    public CliContext(TextWriter output, TextWriter diagnostics)
    {
        RawOutput = output;
        Output = CreateConsole(output, ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected);
        Diagnostics = CreateConsole(diagnostics, ReferenceEquals(diagnostics, Console.Error) && !Console.IsErrorRedirected);
        if (Output.Profile.Capabilities.Interactive || (ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected))
            TableWidth = Output.Profile.Width;
    }

    /// <summary>Plain output as a terminal <paramref name="width"/> columns wide would get it (tests of the layout).</summary>
    internal CliContext(TextWriter output, TextWriter diagnostics, int width)
    {
        RawOutput = output;
        Output = CreateConsole(output, terminal: false);
        Diagnostics = CreateConsole(diagnostics, terminal: false);
        Output.Profile.Width = Diagnostics.Profile.Width = width;
        TableWidth = width;
    }

    /// <summary>The width tables must fit: the terminal's, or unlimited for logs and pipes (they get every column).</summary>
    public int TableWidth { get; } = int.MaxValue;

    /// <summary>Standard output as a plain writer, for machine-readable output that must not be wrapped.</summary>
    public TextWriter RawOutput { get; }

    public IAnsiConsole Output { get; }

    public IAnsiConsole Diagnostics { get; }

    public int Fail(string message)
    {
        Diagnostics.MarkupLine("[red]error:[/] " + Markup.Escape(message));
        return CliApplication.UserError;
    }

    private static IAnsiConsole CreateConsole(TextWriter writer, bool terminal)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        // Logs and pipes get whole table rows rather than rows wrapped at 80 columns.
        if (!terminal) console.Profile.Width = 250;
        return console;
    }
}
