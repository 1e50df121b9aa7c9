namespace Distill.Runs;

/// <summary>
/// The list of every file Distill wrote in a run folder, one path a line relative to the folder.
/// It is started when the run folder is claimed and grows as files are written (every write goes
/// through <see cref="AtomicFile"/>, which records it here), so --force can replace exactly what
/// Distill wrote and nothing a user put beside it: a file's extension proves nothing.
/// </summary>
public static class RunManifest
{
    public const string FileName = ".distill-files";

    // Paths already listed, per manifest, so the checkpoints rewritten every epoch are listed once
    // without reading the manifest back on each write.
    private static readonly Dictionary<string, HashSet<string>> Listed = new(StringComparer.Ordinal);

    /// <summary>Starts an empty manifest in <paramref name="runFolder"/>, replacing any earlier one.</summary>
    public static void Start(string runFolder)
    {
        var path = Path.Combine(runFolder, FileName);
        lock (Listed)
        {
            File.WriteAllText(path, "");
            Listed[path] = new HashSet<string>(StringComparer.Ordinal);
        }
    }

    /// <summary>Drops what this process remembers of the manifest in <paramref name="runFolder"/>: the folder was removed or another run's was put back there.</summary>
    public static void Forget(string runFolder)
    {
        lock (Listed) Listed.Remove(Path.Combine(runFolder, FileName));
    }

    /// <summary>
    /// Lists <paramref name="file"/> in the manifest of the run folder it lies in (the nearest folder
    /// above it holding <see cref="RunFolder.MarkerFile"/>). A file outside any run, or in a run
    /// folder made before manifests existed, is left alone.
    /// </summary>
    public static void Record(string file)
    {
        var full = Path.GetFullPath(file);
        for (var folder = Path.GetDirectoryName(full); folder is not null; folder = Path.GetDirectoryName(folder))
        {
            if (!File.Exists(Path.Combine(folder, RunFolder.MarkerFile))) continue;
            var manifest = Path.Combine(folder, FileName);
            if (!File.Exists(manifest)) return;
            var relative = Path.GetRelativePath(folder, full).Replace(Path.DirectorySeparatorChar, '/');
            lock (Listed)
            {
                if (!Listed.TryGetValue(manifest, out var listed)) Listed[manifest] = listed = ReadFile(manifest) ?? [];
                if (listed.Add(relative)) File.AppendAllText(manifest, relative + "\n");
            }
            return;
        }
    }

    /// <summary>The paths the manifest of <paramref name="runFolder"/> lists, or null when it has none.</summary>
    public static HashSet<string>? Read(string runFolder) => ReadFile(Path.Combine(runFolder, FileName));

    private static HashSet<string>? ReadFile(string manifest) =>
        File.Exists(manifest)
            ? new HashSet<string>(File.ReadAllLines(manifest).Where(l => l.Length > 0), StringComparer.Ordinal)
            : null;
}
