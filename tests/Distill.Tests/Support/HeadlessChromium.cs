using System.Diagnostics;

namespace Distill.Tests.Support;

/// <summary>
/// Debian's headless Chromium (apt-get install chromium), as bench/report-screenshots.sh runs it:
/// a page opened from a file, a screenshot taken, and the browser's log (console messages
/// included, through --enable-logging=stderr) handed back for the test to read.
/// </summary>
public static class HeadlessChromium
{
    private static readonly Lazy<string?> Missing = new(Probe);

    /// <summary>Why Chromium cannot run here, or null when it can.</summary>
    public static string? MissingReason => Missing.Value;

    /// <summary>Opens <paramref name="page"/> at <paramref name="width"/> x <paramref name="height"/> and writes its screenshot to <paramref name="screenshot"/>.</summary>
    public static (int Code, string Log) Screenshot(string page, string screenshot, int width = 1366, int height = 900)
    {
        // Root (as in CI containers) needs --no-sandbox; the user data folder keeps parallel runs apart.
        using var profile = new TemporaryFolder();
        return Run("--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--virtual-time-budget=10000", "--enable-logging=stderr", "--v=0",
            $"--user-data-dir={profile.Path}", $"--window-size={width},{height}", $"--screenshot={screenshot}", new Uri(Path.GetFullPath(page)).AbsoluteUri);
    }

    private static (int Code, string Log) Run(params string[] args)
    {
        var start = new ProcessStartInfo("chromium") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("chromium did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            process.Kill(entireProcessTree: true);
            return (-1, "chromium did not finish within 120 s\n" + errors.Result);
        }
        return (process.ExitCode, errors.Result + output.Result);
    }

    private static string? Probe()
    {
        try
        {
            var (code, log) = Run("--version");
            return code == 0 ? null : $"chromium --version failed ({log.Trim().Split('\n')[^1]}); apt-get install chromium to run this check.";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"chromium is not installed ({e.Message}); apt-get install chromium to run this check.";
        }
    }
}
