using System.Text.RegularExpressions;

namespace Distill.Runs;

/// <summary>
/// What --force may replace: only a run folder Distill made (it holds <see cref="RunFolder.MarkerFile"/>)
/// holding only the files its <see cref="RunManifest"/> lists, and never the working folder, the home
/// folder, a folder above either, or a file-system root. A typo in --out must not cost the user anything,
/// and neither must notes, pictures or backups a user keeps inside a run.
/// </summary>
public static partial class ReplaceableFolder
{
    /// <summary>Refuses, in one sentence naming <paramref name="shown"/>, a folder --force must not replace.</summary>
    public static void Check(string full, string shown)
    {
        var protectedFolders = new[] { Environment.CurrentDirectory, Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) }
            .Where(f => !string.IsNullOrEmpty(f))
            .Select(f => Path.TrimEndingDirectorySeparator(Path.GetFullPath(f)));
        if (Path.GetPathRoot(full) is { } root && Same(Path.TrimEndingDirectorySeparator(root), full))
            throw new DistillException($"--force will not replace '{shown}': it is a file-system root.");
        if (protectedFolders.FirstOrDefault(f => Same(f, full) || IsInside(f, full)) is { } guarded)
            throw new DistillException($"--force will not replace '{shown}': it is or holds the folder '{guarded}'.");
        if (!File.Exists(Path.Combine(full, RunFolder.MarkerFile)))
            throw new DistillException($"--force will not replace '{shown}': Distill did not create it (it has no {RunFolder.MarkerFile} marker).");
        // A run made before manifests existed cannot tell its files from the user's, so it is never replaced.
        var listed = RunManifest.Read(full)
            ?? throw new DistillException($"--force will not replace '{shown}': it was made by an earlier Distill that kept no list of the files it wrote; move or delete it yourself, or choose another --out.");
        if (Foreign(full, listed) is { } foreign)
            throw new DistillException($"--force will not replace '{shown}': it holds '{foreign}', which Distill did not write; move it out or choose another --out.");
    }

    /// <summary>
    /// The first entry of <paramref name="folder"/> (relative, '/'-separated) that is not one of the files
    /// <paramref name="listed"/> names, nor the marker, the manifest or a write cut short; null when there is none.
    /// Folders are judged by the files in them: an empty one holds nothing to lose.
    /// </summary>
    public static string? Foreign(string folder, IReadOnlySet<string> listed)
    {
        foreach (var entry in Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var info = new FileInfo(entry);
            var relative = Path.GetRelativePath(folder, entry).Replace(Path.DirectorySeparatorChar, '/');
            // A link could lead the later delete out of the folder.
            if (info.LinkTarget is not null) return relative;
            if (Directory.Exists(entry)) continue;
            if (relative is RunFolder.MarkerFile or RunManifest.FileName || listed.Contains(relative)) continue;
            // A temporary file of AtomicFile's that a kill left: its name carries a 32-digit write id.
            if (Leftover().IsMatch(info.Name)) continue;
            return relative;
        }
        return null;
    }

    private static bool Same(string a, string b) => string.Equals(a, b, Comparison);

    /// <summary>True when <paramref name="inner"/> lies somewhere below <paramref name="outer"/>.</summary>
    private static bool IsInside(string inner, string outer) =>
        inner.StartsWith(Path.EndsInDirectorySeparator(outer) ? outer : outer + Path.DirectorySeparatorChar, Comparison);

    private static StringComparison Comparison => OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;

    [GeneratedRegex("^\\..+\\.[0-9a-f]{32}\\.tmp$")]
    private static partial Regex Leftover();
}
