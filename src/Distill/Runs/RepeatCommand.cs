using System.Text.Json;

namespace Distill.Runs;

/// <summary>
/// The shell command that started a run, from the <c>command-line.json</c> the command line
/// saves in every run folder, quoted so it can be pasted back into a POSIX shell.
/// </summary>
public static class RepeatCommand
{
    public const string FileName = "command-line.json";

    /// <summary>"distill compare --seed 2 ..." or null when the folder holds no readable command line.</summary>
    public static string? Read(string runDirectory)
    {
        var path = Path.Combine(runDirectory, FileName);
        if (!File.Exists(path) || new FileInfo(path).Length > 1 << 20) return null;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            var root = document.RootElement;
            if (!root.TryGetProperty("command", out var command) || command.ValueKind != JsonValueKind.String) return null;
            if (!root.TryGetProperty("arguments", out var arguments) || arguments.ValueKind != JsonValueKind.Array) return null;
            var words = arguments.EnumerateArray().Select(a => a.ValueKind == JsonValueKind.String ? a.GetString()! : a.GetRawText());
            return string.Join(' ', new[] { "distill", command.GetString()! }.Concat(words.Select(Quote)));
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>A word as a POSIX shell reads it back: bare when safe, else in single quotes.</summary>
    public static string Quote(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:=,+@%".Contains(c))
            ? word
            : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
