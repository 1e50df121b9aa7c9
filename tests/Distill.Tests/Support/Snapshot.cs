using System.Runtime.CompilerServices;

namespace Distill.Tests.Support;

/// <summary>
/// Compares text with a file checked in under tests/Distill.Tests/Snapshots. After a deliberate
/// change of what the user sees, run the tests with DISTILL_UPDATE_SNAPSHOTS=1 to rewrite the
/// files, then review them with git diff before committing.
/// </summary>
public static class Snapshot
{
    public const string UpdateVariable = "DISTILL_UPDATE_SNAPSHOTS";

    /// <summary>Passes when <paramref name="actual"/> equals the snapshot <paramref name="name"/>; rewrites it instead when asked to.</summary>
    public static void Match(string name, string actual, [CallerFilePath] string caller = "")
    {
        var path = Path.Combine(Folder(caller), name);
        actual = Normal(actual);
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            File.WriteAllText(path, actual);
            return;
        }
        Assert.True(File.Exists(path), $"No snapshot {path}; run the tests with {UpdateVariable}=1 to write it, then review it.");
        var expected = Normal(File.ReadAllText(path));
        if (expected == actual) return;
        var expectedLines = expected.Split('\n');
        var actualLines = actual.Split('\n');
        var at = Enumerable.Range(0, Math.Min(expectedLines.Length, actualLines.Length)).FirstOrDefault(i => expectedLines[i] != actualLines[i], Math.Min(expectedLines.Length, actualLines.Length));
        Assert.Fail($"{name} differs from its snapshot at line {at + 1}:\n  expected: {expectedLines.ElementAtOrDefault(at)}\n  actual:   {actualLines.ElementAtOrDefault(at)}\n" +
                    $"If the change is meant, run the tests with {UpdateVariable}=1 and review the diff.\nActual text:\n{actual}");
    }

    // Spectre pads centred titles and wrapped lines with spaces that editors strip; they are not what is compared.
    private static string Normal(string text) =>
        string.Join('\n', text.ReplaceLineEndings("\n").Split('\n').Select(line => line.TrimEnd()));

    // The snapshots live beside the test sources, found from this file's own path at build time.
    private static string Folder(string caller)
    {
        for (var folder = Path.GetDirectoryName(caller); folder is not null; folder = Path.GetDirectoryName(folder))
            if (File.Exists(Path.Combine(folder, "Distill.Tests.csproj")))
                return Path.Combine(folder, "Snapshots");
        throw new InvalidOperationException($"No Distill.Tests.csproj above {caller}.");
    }
}
