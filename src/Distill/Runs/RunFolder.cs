namespace Distill.Runs;

/// <summary>
/// A folder holding one run's outputs. An existing, non-empty folder is never reused unless the
/// caller asks to replace it, so earlier results are not lost by accident.
/// </summary>
public sealed class RunFolder
{
    private RunFolder(string path) => Path = path;

    public string Path { get; }

    public static RunFolder Create(string path, bool replace)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (System.IO.File.Exists(full)) throw new DistillException($"Run folder '{path}' is a file; choose another output folder.");
        if (Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any())
        {
            if (!replace)
                throw new DistillException($"Run folder '{path}' already exists; choose another --out or pass --force to replace it.");
            Directory.Delete(full, recursive: true);
        }
        Directory.CreateDirectory(full);
        return new RunFolder(full);
    }

    /// <summary>An existing run folder, to resume the run it holds, cleared of a killed run's temporary files.</summary>
    public static RunFolder Open(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (!Directory.Exists(full)) throw new DistillException($"Run folder '{path}' does not exist, so there is nothing to resume.");
        AtomicFile.RemoveLeftovers(full);
        return new RunFolder(full);
    }

    /// <summary>A default folder name under runs/ that does not exist yet.</summary>
    public static string DefaultPath(string prefix)
    {
        var stamp = DateTime.Now.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture);
        var candidate = System.IO.Path.Combine("runs", $"{prefix}-{stamp}");
        for (var i = 2; Directory.Exists(candidate); i++) candidate = System.IO.Path.Combine("runs", $"{prefix}-{stamp}-{i}");
        return candidate;
    }

    public string File(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <summary>A folder inside this run (seed-2, seed-2/points/p3), created if missing, holding its own models and metrics.</summary>
    public RunFolder Child(string relative) => new(Subfolder(relative));

    public string Subfolder(string name)
    {
        var folder = System.IO.Path.Combine(Path, name);
        Directory.CreateDirectory(folder);
        return folder;
    }
}
