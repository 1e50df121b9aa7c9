using System.Diagnostics;

namespace Distill.Tests.Support;

/// <summary>
/// A fact that needs Python's reference ONNX package (Debian's python3-onnx); without it the test
/// is reported as skipped with the reason, never passed silently.
/// </summary>
public sealed class PythonOnnxFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> Missing = new(() => Python.Missing("onnx", "python3-onnx"));

    public PythonOnnxFactAttribute()
    {
        if (Missing.Value is { } reason) Skip = reason;
    }
}

/// <summary>Runs Debian's python3 (where apt installs python3-torch and python3-onnx) on a short program.</summary>
public static class Python
{
    // A pyenv or venv python3 earlier on PATH lacks Debian's packages.
    public static string Executable => File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

    /// <summary>Why python3 cannot import <paramref name="modules"/> (and which Debian <paramref name="packages"/> fix it), or null when it can.</summary>
    public static string? Missing(string modules, string packages)
    {
        try
        {
            var (code, errors) = Run("import " + modules);
            return code == 0 ? null : $"python3 cannot import {modules} ({errors.Trim().Split('\n')[^1]}); apt-get install {packages} to run this check.";
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return $"python3 is not installed ({e.Message}); apt-get install {packages} to run this check.";
        }
    }

    public static (int Code, string Errors) Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(Executable) { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(program);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, errors + output.Result);
    }
}
