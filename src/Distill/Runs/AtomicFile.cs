using System.Text;

namespace Distill.Runs;

/// <summary>
/// Writes files under a temporary name in the same folder and renames them into place, so a
/// crash never leaves a truncated file where a good one was expected. Every file Distill writes
/// comes through here, so this is where a run folder's <see cref="RunManifest"/> learns of it.
/// </summary>
public static class AtomicFile
{
    public static void Write(string path, Action<string> writeTo)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            writeTo(temporary);
            File.Move(temporary, path, overwrite: true);
            RunManifest.Record(path);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    /// <summary>
    /// Deletes the temporary files a killed process left behind in <paramref name="folder"/> and its
    /// subfolders (the finished files they were meant to replace are still whole).
    /// </summary>
    public static void RemoveLeftovers(string folder)
    {
        foreach (var leftover in Directory.EnumerateFiles(folder, ".*.tmp", SearchOption.AllDirectories).ToList())
            File.Delete(leftover);
    }

    public static void WriteAllText(string path, string text) =>
        Write(path, temporary => File.WriteAllText(temporary, text, new UTF8Encoding(false)));

    public static void WriteAllBytes(string path, byte[] bytes) =>
        Write(path, temporary => File.WriteAllBytes(temporary, bytes));
}
