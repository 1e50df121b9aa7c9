using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Distill.Tests.Support;

/// <summary>
/// The real distill executable on a pseudo-terminal of a given width, as a user at a terminal runs
/// it: util-linux's <c>script</c> gives the child a terminal (so Spectre.Console draws its live
/// display) and copies everything the terminal showed to its own standard output.
/// </summary>
public static partial class TerminalSession
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(120);

    /// <summary>Runs to the end; returns the exit code and what the terminal showed, escape sequences included.</summary>
    public static (int Code, string Screen) Run(int columns, params string[] args)
    {
        var script = new[] { "/usr/bin/script", "/bin/script" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("util-linux's 'script' is needed to give distill a terminal (.ci/run installs bsdutils).");
        var command = new StringBuilder($"stty cols {columns} rows 40; exec ");
        command.Append(Quote(DotnetHost())).Append(' ').Append(Quote(Path.Combine(AppContext.BaseDirectory, "Distill.Cli.dll")));
        foreach (var arg in args) command.Append(' ').Append(Quote(arg));
        var info = new ProcessStartInfo(script)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "-q", "-e", "-c", command.ToString(), "/dev/null" }) info.ArgumentList.Add(arg);
        // A terminal that says what it can do, whatever the test host's environment says.
        info.Environment["TERM"] = "xterm-256color";
        info.Environment.Remove("NO_COLOR");
        info.Environment.Remove("CI");
        using var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start script.");
        process.StandardInput.Close();
        var screen = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Limit))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"distill {string.Join(' ', args)} on a terminal ran past {Limit}.");
        }
        return (process.ExitCode, screen.Result + errors.Result);
    }

    /// <summary>The rows the terminal showed, escape sequences removed, split where the cursor returns or a line ends.</summary>
    public static IReadOnlyList<string> Rows(string screen) =>
        Escapes().Replace(screen, "").Split('\n').SelectMany(line => line.Split('\r')).ToList();

    /// <summary>Whether the terminal got a live display: the cursor moved back up to redraw it.</summary>
    public static bool Redrew(string screen) => CursorUp().IsMatch(screen);

    private static string Quote(string value) => "'" + value.Replace("'", "'\\''") + "'";

    private static string DotnetHost() =>
        Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "dotnet";

    [GeneratedRegex(@"\x1b(\[[0-9;?]*[ -/]*[@-~]|[=>]|\][^\x07]*\x07)")]
    private static partial Regex Escapes();

    [GeneratedRegex(@"\x1b\[\d+A")]
    private static partial Regex CursorUp();
}
