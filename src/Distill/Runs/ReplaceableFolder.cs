namespace Distill.Runs;

/// <summary>
/// What --force may replace: only a run folder Distill made (it holds <see cref="RunFolder.MarkerFile"/>)
/// holding only the kinds of files Distill writes, and never the working folder, the home folder,
/// a folder above either, or a file-system root. A typo in --out must not cost the user anything.
/// </summary>
public static class ReplaceableFolder
{
    // The kinds of files a run writes; anything else in the folder was put there by someone else.
    private static readonly string[] DistillExtensions = [".json", ".jsonl", ".bin", ".png", ".md", ".html", ".tmp"];

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
        var foreign = Directory.EnumerateFileSystemEntries(full, "*", SearchOption.AllDirectories)
            .FirstOrDefault(e => IsForeign(e));
        if (foreign is not null)
            throw new DistillException($"--force will not replace '{shown}': it holds '{Path.GetRelativePath(full, foreign)}', which Distill did not write.");
    }

    private static bool IsForeign(string entry)
    {
        var info = new FileInfo(entry);
        // A link could lead the later delete out of the folder.
        if (info.LinkTarget is not null) return true;
        if (Directory.Exists(entry)) return false;
        return info.Name != RunFolder.MarkerFile && !DistillExtensions.Contains(info.Extension, StringComparer.OrdinalIgnoreCase);
    }

    private static bool Same(string a, string b) => string.Equals(a, b, Comparison);

    /// <summary>True when <paramref name="inner"/> lies somewhere below <paramref name="outer"/>.</summary>
    private static bool IsInside(string inner, string outer) =>
        inner.StartsWith(Path.EndsInDirectorySeparator(outer) ? outer : outer + Path.DirectorySeparatorChar, Comparison);

    private static StringComparison Comparison => OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
}
