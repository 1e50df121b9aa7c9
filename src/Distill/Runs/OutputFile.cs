namespace Distill.Runs;

/// <summary>
/// What a command may write over: never a file it reads (compared as real paths, links resolved, so
/// another spelling or a symlink of the weights is still the weights), and an existing file only when
/// the user passed --force. An export written over its own model left a run that could not be read.
/// </summary>
public static class OutputFile
{
    private const int MaxLinks = 40;

    /// <summary>
    /// Refuses, in one sentence, writing <paramref name="target"/> when it is one of <paramref name="inputs"/>
    /// (files, or folders whose existing files are inputs) or, without <paramref name="force"/>, when it exists.
    /// </summary>
    public static void Check(string target, bool force, IEnumerable<string> inputs)
    {
        if (Directory.Exists(target)) throw new DistillException($"The output '{target}' is a folder; give a file name.");
        var real = RealPath(target);
        foreach (var input in inputs)
        {
            var source = RealPath(input);
            if (Same(real, source) || (Directory.Exists(source) && File.Exists(real) && IsInside(real, source)))
                throw new DistillException($"The output '{target}' is '{input}', which this command reads; choose another output file.");
        }
        if (!force && File.Exists(target))
            throw new DistillException($"The output '{target}' already exists; pass --force to replace it, or choose another output file.");
    }

    /// <summary>Refuses a command that rewrites <paramref name="folder"/> when one of its <paramref name="inputs"/> lies inside it.</summary>
    public static void CheckFolder(string folder, IEnumerable<string> inputs, string command)
    {
        var real = RealPath(folder);
        foreach (var input in inputs.Where(i => IsInside(RealPath(i), real)))
            throw new DistillException($"'{input}' lies in '{folder}', which {command} rewrites; move it out of that folder first.");
    }

    /// <summary>
    /// <paramref name="path"/> made absolute with every symbolic link on the way resolved, as far as the
    /// path exists (the rest, not yet created, is kept as written).
    /// </summary>
    public static string RealPath(string path)
    {
        var full = Path.GetFullPath(path);
        for (var links = 0; links < MaxLinks; links++)
        {
            var resolved = ResolveFirstLink(full);
            if (resolved is null) return full;
            full = resolved;
        }
        return full;
    }

    /// <summary>The path with its first link replaced by the link's target, or null when it has none.</summary>
    private static string? ResolveFirstLink(string full)
    {
        var root = Path.GetPathRoot(full)!;
        var parts = full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        var current = root;
        for (var i = 0; i < parts.Length; i++)
        {
            var next = Path.Combine(current, parts[i]);
            if (new FileInfo(next).LinkTarget is { } target)
                // A relative target is relative to the folder holding the link.
                return Path.GetFullPath(Path.Combine([Path.GetFullPath(target, current), .. parts[(i + 1)..]]));
            current = next;
        }
        return null;
    }

    private static bool Same(string a, string b) => string.Equals(a, b, Comparison);

    private static bool IsInside(string inner, string outer) =>
        inner.StartsWith(Path.EndsInDirectorySeparator(outer) ? outer : outer + Path.DirectorySeparatorChar, Comparison);

    private static StringComparison Comparison => OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
}
