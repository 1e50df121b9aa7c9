using Spectre.Console;

namespace Distill.Cli;

/// <summary>
/// Where a command writes: results (tables, JSON) to standard output, progress and errors to
/// standard error. Plain text, no colours and no live display when a stream is not a terminal.
/// </summary>
public sealed class CliContext
{
    /// <summary>The global flag that lets tables and text run as wide as they need.</summary>
    public const string WideFlag = "--wide";

    // Wide enough for every column of every table Distill prints, so --wide never wraps a row.
    private const int UnlimitedWidth = 4096;

    private readonly int _fittedWidth;
    private bool _wide;

    public CliContext(TextWriter output, TextWriter diagnostics)
    {
        RawOutput = output;
        var terminal = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
        Output = CreateConsole(output, terminal);
        var diagnosticsTerminal = ReferenceEquals(diagnostics, Console.Error) && !Console.IsErrorRedirected;
        Diagnostics = CreateConsole(diagnostics, diagnosticsTerminal);
        // An error is one sentence on one line where it goes to a file or a pipe (a log, grep), however long
        // the paths it names; a terminal wraps it at its own width.
        if (!diagnosticsTerminal) Diagnostics.Profile.Width = UnlimitedWidth;
        // A pipe has no width of its own: the shell's COLUMNS says how wide the reader's terminal is
        // (`distill compare | less`), and 80 is what a mail, a log viewer or a diff shows whole.
        _fittedWidth = terminal ? Output.Profile.Width : PipedWidth(Environment.GetEnvironmentVariable("COLUMNS"));
        Output.Profile.Width = _fittedWidth;
    }

    /// <summary>Plain output as a terminal <paramref name="width"/> columns wide would get it (tests of the layout).</summary>
    internal CliContext(TextWriter output, TextWriter diagnostics, int width)
    {
        RawOutput = output;
        Output = CreateConsole(output, terminal: false);
        Diagnostics = CreateConsole(diagnostics, terminal: false);
        Output.Profile.Width = Diagnostics.Profile.Width = _fittedWidth = width;
    }

    /// <summary>The width help and tables fit: the terminal's, or for a pipe COLUMNS, else 80.</summary>
    public int Width => _fittedWidth;

    /// <summary>True (--wide) prints every column of a table and lets lines run as long as they need.</summary>
    public bool Wide
    {
        get => _wide;
        set
        {
            _wide = value;
            Output.Profile.Width = value ? UnlimitedWidth : _fittedWidth;
        }
    }

    /// <summary>The width tables must fit: <see cref="Width"/>, or unlimited with --wide.</summary>
    public int TableWidth => _wide ? int.MaxValue : _fittedWidth;

    /// <summary>Standard output as a plain writer, for machine-readable output that must not be wrapped.</summary>
    public TextWriter RawOutput { get; }

    public IAnsiConsole Output { get; }

    public IAnsiConsole Diagnostics { get; }

    public int Fail(string message)
    {
        Diagnostics.MarkupLine("[red]error:[/] " + Markup.Escape(message));
        return CliApplication.UserError;
    }

    /// <summary>The width of a pipe: <paramref name="columns"/> (the COLUMNS variable) when it is a sensible width, else 80.</summary>
    internal static int PipedWidth(string? columns) =>
        int.TryParse(columns, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var width) && width is >= 40 and <= UnlimitedWidth
            ? width
            : 80;

    private static IAnsiConsole CreateConsole(TextWriter writer, bool terminal)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        // Logs of progress get whole lines rather than lines wrapped at 80 columns.
        if (!terminal) console.Profile.Width = 250;
        return console;
    }
}
