using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using static TorchSharp.torch;

namespace Distill.Teachers;

/// <summary>
/// Runs a TorchScript teacher's first batch in a child process before this process touches the file.
/// Why a child: libtorch compiles a TorchScript method lazily, on its first call, and reports a compile
/// error (an undefined name, a missing attribute) as torch::jit::ErrorReport, which derives from
/// std::exception only. TorchSharp's native wrappers turn c10::Error and std::runtime_error into .NET
/// exceptions and let anything else escape through the P/Invoke frame, where the C++ runtime calls
/// std::terminate: SIGABRT, exit 134, with no managed handler run. (A syntax error surfaces while the
/// file loads, as an error TorchSharp does translate, which is why that case was already refused.)
/// No .NET code can catch the abort, and no TorchSharp call compiles the methods at load inside a
/// handler that catches it, so the only safe place to meet it is another process. The child also
/// bounds the time a script may run (<see cref="TeacherTimeLimit"/>): it is killed at the limit.
/// Only a host with an entry point can start itself (the distill command line sets
/// <see cref="Launcher"/>); a library host without one loads in its own process, as before.
/// </summary>
public static class TorchScriptProbe
{
    /// <summary>The hidden first argument that makes the distill executable run <see cref="Run"/>.</summary>
    public const string Command = "__probe-torchscript";

    /// <summary>Starts this program (no arguments yet); null: no child, the file is loaded in this process.</summary>
    public static Func<ProcessStartInfo>? Launcher { get; set; }

    /// <summary>
    /// Refuses, in one sentence, a file whose first batch kills or outlasts the child. A refusal the
    /// child survived (exit 1) is left to the load in this process, which says it in the usual words.
    /// </summary>
    internal static void Check(string path, IReadOnlyList<long> sampleShape, TimeSpan? limit)
    {
        if (Launcher is not { } launch) return;
        var info = launch();
        info.UseShellExecute = false;
        info.RedirectStandardError = true;
        info.RedirectStandardOutput = true;
        info.ArgumentList.Add(Command);
        info.ArgumentList.Add(Path.GetFullPath(path));
        info.ArgumentList.Add(string.Join("x", sampleShape));
        using var process = Process.Start(info) ?? throw new DistillException($"Distill could not start a process to try the teacher '{path}'.");
        var errors = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(limit ?? Timeout.InfiniteTimeSpan))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw TeacherTimeLimit.Exceeded(path, limit!.Value);
        }
        process.WaitForExit();
        if (process.ExitCode is 0 or 1) return;
        throw Crashed(path, process.ExitCode, errors.Result);
    }

    /// <summary>The child's side: loads the file and runs the probe batch; exit 0, or 1 with the refusal on standard error.</summary>
    public static int Run(IReadOnlyList<string> args, TextWriter errors)
    {
        try
        {
            if (args.Count != 2) throw new DistillException($"{Command} takes a TorchScript file and an input shape such as 1x28x28.");
            var shape = args[1].Split('x').Select(d => long.Parse(d, CultureInfo.InvariantCulture)).ToArray();
            using var teacher = TorchScriptTeacher.Load(args[0]);
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            teacher.forward(ImportedTeacher.ProbeBatch(shape));
            return 0;
        }
        catch (Exception e)
        {
            // Any managed failure is one the parent's own load meets again and reports in its words.
            errors.WriteLine(e.Message);
            return 1;
        }
    }

    private static DistillException Crashed(string path, int exitCode, string errors)
    {
        var lines = errors.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        // libstdc++ prints "terminate called after throwing an instance of 'T'", then "what():  MESSAGE",
        // whose first line may be empty; the line after is the compiler's reason.
        var what = Array.FindIndex(lines, l => l.StartsWith("what():", StringComparison.Ordinal));
        var reason = what < 0 ? null : lines[what]["what():".Length..].Trim() is { Length: > 0 } same ? same : lines.ElementAtOrDefault(what + 1);
        // The compiler names a class by its compilation unit's address, which differs on every run.
        reason = reason is null ? null : Regex.Replace(reason, @" \(of Python compilation unit at: 0x[0-9a-fA-F]+\)", "").TrimEnd(':', '.');
        if (reason is { Length: > 300 }) reason = reason[..300] + "...";
        if (errors.Contains("torch::jit::ErrorReport", StringComparison.Ordinal))
            return new DistillException(
                $"The teacher '{path}' holds TorchScript code that PyTorch cannot compile ({reason ?? "no reason given"}); save it again with torch.jit.save from a model that runs in PyTorch.");
        var signal = exitCode > 128 ? $" (signal {exitCode - 128})" : $" (exit code {exitCode})";
        return new DistillException(
            $"The teacher '{path}' makes PyTorch abort when it runs{signal}{(reason is null ? "" : $": {reason}")}; the file is damaged or was not saved by torch.jit.save.");
    }
}
