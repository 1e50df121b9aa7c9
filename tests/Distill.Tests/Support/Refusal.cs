namespace Distill.Tests.Support;

/// <summary>
/// What every refusal of bad input must look like: exit code 1 and one sentence on standard error
/// (progress lines may come before it, none after), naming what it must name, with no stack trace,
/// no "Unexpected failure" and no native abort.
/// </summary>
public static class Refusal
{
    public static void AssertOneSentence(int code, string errors, params string[] expected) => Check(code, errors, expected, errorIsLastLine: true);

    /// <summary>The same for a run of <see cref="InProcessCli"/>.</summary>
    public static void AssertOneSentence((int Code, string Output, string Errors) run, params string[] expected) =>
        Check(run.Code, run.Errors, expected, errorIsLastLine: true);

    /// <summary>
    /// The same for a sentence longer than the 250 columns piped diagnostics are wrapped at: its
    /// last words then stand on a line of their own, so the error line is not the last line.
    /// </summary>
    public static void AssertOneLongSentence(int code, string errors, params string[] expected) => Check(code, errors, expected, errorIsLastLine: false);

    private static void Check(int code, string errors, string[] expected, bool errorIsLastLine)
    {
        Assert.True(code == 1, $"exit code {code}: {errors}");
        foreach (var text in expected) Assert.Contains(text, errors);
        Assert.DoesNotContain("   at ", errors);
        Assert.DoesNotContain("Unexpected failure", errors);
        Assert.DoesNotContain("terminate called", errors);
        var lines = errors.Trim().Split('\n');
        Assert.Single(lines, l => l.StartsWith("error:", StringComparison.Ordinal));
        if (errorIsLastLine) Assert.StartsWith("error:", lines[^1]);
    }
}
