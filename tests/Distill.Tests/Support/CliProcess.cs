using System.Diagnostics;

namespace Distill.Tests.Support;

/// <summary>
/// The real distill executable as a child process (Distill.Cli.dll is copied next to the test
/// assembly through the project reference), so a test can kill it the way a user or a dying
/// machine would: SIGKILL, no chance to clean up. The *Program methods do the same for another
/// program referenced by the test project (an example of examples/).
/// </summary>
public static class CliProcess
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(90);

    /// <summary>Runs to the end; returns the exit code and standard error.</summary>
    public static (int Code, string Errors) Run(params string[] args) => RunIn(null, null, args);

    /// <summary>
    /// Runs to the end in <paramref name="workingDirectory"/> (null: this process's) with
    /// <paramref name="environment"/> added to the child's variables.
    /// </summary>
    public static (int Code, string Errors) RunIn(string? workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args) =>
        RunProgramIn(Cli, workingDirectory, environment, Limit, args);

    /// <summary>As <see cref="RunIn(string?, IReadOnlyDictionary{string, string}?, string[])"/>, for a command allowed <paramref name="limit"/>.</summary>
    public static (int Code, string Errors) RunIn(string? workingDirectory, IReadOnlyDictionary<string, string>? environment, TimeSpan limit, params string[] args) =>
        RunProgramIn(Cli, workingDirectory, environment, limit, args);

    /// <summary>Runs the program <paramref name="dll"/> (next to the test assembly) to the end in <paramref name="workingDirectory"/>.</summary>
    public static (int Code, string Errors) RunProgramIn(string dll, string? workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args) =>
        RunProgramIn(dll, workingDirectory, environment, Limit, args);

    /// <summary>As <see cref="RunProgramIn(string, string?, IReadOnlyDictionary{string, string}?, string[])"/>, for a program allowed <paramref name="limit"/>.</summary>
    public static (int Code, string Errors) RunProgramIn(string dll, string? workingDirectory, IReadOnlyDictionary<string, string>? environment, TimeSpan limit, params string[] args)
    {
        using var process = Start(dll, args, workingDirectory, environment);
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{dll} {string.Join(' ', args)} ran past {limit}.");
        }
        return (process.ExitCode, errors.Result);
    }

    /// <summary>
    /// Starts the command and kills it with SIGKILL once <paramref name="lines"/> lines of standard
    /// error matching <paramref name="counted"/> have appeared, after a further <paramref name="delay"/>.
    /// Returns false when the process ended by itself before that.
    /// </summary>
    public static bool KillAfter(int lines, Func<string, bool> counted, TimeSpan delay, params string[] args) =>
        KillProgramAfter(Cli, null, lines, counted, delay, args);

    /// <summary><see cref="KillAfter"/> for the program <paramref name="dll"/>, run in <paramref name="workingDirectory"/>.</summary>
    public static bool KillProgramAfter(string dll, string? workingDirectory, int lines, Func<string, bool> counted, TimeSpan delay, params string[] args)
    {
        using var process = Start(dll, args, workingDirectory);
        var seen = 0;
        var clock = Stopwatch.StartNew();
        while (process.StandardError.ReadLine() is { } line)
        {
            if (clock.Elapsed > Limit) break;
            if (counted(line) && ++seen == lines)
            {
                if (delay > TimeSpan.Zero) Thread.Sleep(delay);
                if (process.HasExited) return false;
                process.Kill(entireProcessTree: true);
                process.WaitForExit(Limit);
                return true;
            }
        }
        process.WaitForExit(Limit);
        return false;
    }

    private const string Cli = "Distill.Cli.dll";

    private static Process Start(string dll, string[] args, string? workingDirectory = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        if (workingDirectory is not null) info.WorkingDirectory = workingDirectory;
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) info.Environment[name] = value;
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, dll));
        foreach (var arg in args) info.ArgumentList.Add(arg);
        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {dll}.");
        // Standard output is only the final table; drain it so the child never blocks on a full pipe.
        _ = process.StandardOutput.ReadToEndAsync();
        return process;
    }

    private static string DotnetHost() =>
        Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "dotnet";
}
