namespace Distill.Runs;

/// <summary>
/// A folder holding one run's outputs. Distill marks every run folder it creates with a
/// <see cref="MarkerFile"/>, created exclusively so two runs started at once cannot both claim one
/// folder, and locked while the run that claimed it lives. An existing folder with results is never
/// reused unless the caller asks to replace it, and only a folder Distill itself made can be
/// replaced, and then only when every file in it is listed in its <see cref="RunManifest"/>
/// (<see cref="ReplaceableFolder"/>). A run that fails before its first epoch removes the folder it
/// made, so the corrected retry is not told the folder exists.
/// </summary>
public sealed class RunFolder : IDisposable
{
    /// <summary>The marker Distill writes in every run folder it creates; nothing else proves a folder is Distill's.</summary>
    public const string MarkerFile = ".distill-run";

    private FileStream? _lock;
    private readonly bool _owned;
    private readonly string? _replaced;

    private RunFolder(string path, FileStream? held = null, bool owned = false, string? replaced = null)
    {
        Path = path;
        _lock = held;
        _owned = owned;
        _replaced = replaced;
    }

    public string Path { get; }

    /// <summary>
    /// Claims a new run folder without holding it locked: for folders inside a run that is itself
    /// claimed (an experiment's seed and point folders) and for library callers.
    /// </summary>
    public static RunFolder Create(string path, bool replace)
    {
        var folder = Claim(path, replace);
        folder.ReleaseLock();
        return folder;
    }

    /// <summary>
    /// Claims a run folder for this process: creates it (or reuses one Distill made that holds no
    /// finished epoch), or with <paramref name="replace"/> moves an earlier Distill run aside. The
    /// folder stays locked until disposed, so no other run can claim, reuse or replace it meanwhile.
    /// </summary>
    public static RunFolder Claim(string path, bool replace)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new DistillException("The run folder name is empty; give --out a folder name.");
        string full;
        try
        {
            full = System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(path));
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new DistillException($"The run folder '{path}' is not a valid path.");
        }
        if (System.IO.File.Exists(full)) throw new DistillException($"Run folder '{path}' is a file; choose another output folder.");
        string? replaced = null;
        if (Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any())
        {
            var marked = System.IO.File.Exists(System.IO.Path.Combine(full, MarkerFile));
            if (marked && !HasResults(full) && OnlyDistillFiles(full)) return Reuse(full, path);
            if (!replace)
                throw new DistillException($"Run folder '{path}' already exists; choose another --out or pass --force to replace it.");
            ReplaceableFolder.Check(full, path);
            replaced = MoveAside(full, path);
        }
        var createdDirectory = !Directory.Exists(full);
        Directory.CreateDirectory(full);
        FileStream held;
        try
        {
            held = new FileStream(System.IO.Path.Combine(full, MarkerFile), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Put the earlier run back unless the run that won the folder has already written to it.
            if (replaced is not null && !Directory.EnumerateFileSystemEntries(full).Any())
            {
                Directory.Delete(full);
                Directory.Move(replaced, full);
            }
            throw WriteRefusal.For(e, path)
                ?? new DistillException($"Run folder '{path}' was claimed by another run started at the same time; choose another --out.");
        }
        RunManifest.Start(full);
        return new RunFolder(full, held, owned: createdDirectory || replaced is not null, replaced);
    }

    /// <summary>
    /// The folder that the shards of one experiment share (on storage every shard sees): created when
    /// missing, never cleared or moved, and held with a shared lock, so shards run side by side while
    /// a whole-run claim (<see cref="Claim"/>, <see cref="Open"/>: a one-process run, a merge) waits for
    /// them all. Each shard claims the points it runs itself.
    /// </summary>
    public static RunFolder Shared(string path)
    {
        var full = System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(path));
        if (System.IO.File.Exists(full)) throw new DistillException($"Run folder '{path}' is a file; choose another output folder.");
        var marker = System.IO.Path.Combine(full, MarkerFile);
        if (Directory.Exists(full) && !System.IO.File.Exists(marker) && Directory.EnumerateFileSystemEntries(full).Any())
            throw new DistillException($"Run folder '{path}' holds files Distill did not write; choose another --out.");
        var created = !Directory.Exists(full);
        Directory.CreateDirectory(full);
        FileStream held;
        try
        {
            // Read access with sharing takes flock's shared lock; Claim and Open take the exclusive one.
            held = new FileStream(marker, FileMode.OpenOrCreate, FileAccess.Read, FileShare.ReadWrite);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw WriteRefusal.For(e, path) ?? new DistillException($"Run folder '{path}' is in use by a run of the whole experiment or a merge; wait for it.");
        }
        try
        {
            // The first shard starts the manifest; the others add to it.
            new FileStream(System.IO.Path.Combine(full, RunManifest.FileName), FileMode.CreateNew).Dispose();
        }
        catch (IOException) when (System.IO.File.Exists(System.IO.Path.Combine(full, RunManifest.FileName)))
        {
        }
        // The shard that made the folder removes it when it fails before any result, as a whole run does.
        return new RunFolder(full, held, owned: created);
    }

    /// <summary>An existing run folder, to resume the run it holds, cleared of a killed run's temporary files.</summary>
    public static RunFolder Open(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (!Directory.Exists(full)) throw new DistillException($"Run folder '{path}' does not exist, so there is nothing to resume.");
        var marker = System.IO.Path.Combine(full, MarkerFile);
        // Folders from before the marker existed resume unlocked.
        var held = System.IO.File.Exists(marker) ? Lock(marker, path) : null;
        AtomicFile.RemoveLeftovers(full);
        return new RunFolder(full, held);
    }

    /// <summary>A default folder name under runs/ that does not exist yet.</summary>
    public static string DefaultPath(string prefix)
    {
        CheckName(prefix);
        var stamp = DateTime.Now.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture);
        var candidate = System.IO.Path.Combine("runs", $"{prefix}-{stamp}");
        for (var i = 2; Directory.Exists(candidate); i++) candidate = System.IO.Path.Combine("runs", $"{prefix}-{stamp}-{i}");
        return candidate;
    }

    /// <summary>
    /// Refuses a run name (an experiment's name) that is not a plain file name: the default folder is
    /// runs/NAME-time, and a name such as '../../x' would put the run outside runs/.
    /// </summary>
    public static void CheckName(string name)
    {
        if (string.IsNullOrWhiteSpace(name) || name is "." or ".." || name.IndexOfAny([.. System.IO.Path.GetInvalidFileNameChars(), '/', '\\']) >= 0)
            throw new DistillException($"The run name '{name}' must be a file name, not a path (runs are written to runs/NAME-time).");
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

    /// <summary>
    /// Runs <paramref name="work"/> in this folder and settles it: when the work fails before any
    /// epoch finished, a folder this claim made is removed and a run moved aside by --force is put
    /// back; once there are results, the run moved aside is deleted. The lock is released either way.
    /// </summary>
    public T Run<T>(Func<RunFolder, T> work)
    {
        try
        {
            var result = work(this);
            DeleteReplaced();
            return result;
        }
        catch
        {
            Abandon();
            throw;
        }
        finally
        {
            ReleaseLock();
        }
    }

    /// <summary>
    /// True when the folder holds work worth keeping: a finished epoch (its checkpoint or weights), a
    /// finished model's outcome or a tuning search. What a run writes before its first epoch (its
    /// command line, config, a loaded teacher's test predictions, empty model folders) is cheap to
    /// make again, so a run that fails that early is removed and the corrected retry can use its name.
    /// </summary>
    public static bool HasResults(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Any(f => EpochFiles.Contains(System.IO.Path.GetFileName(f)));

    public void Dispose() => ReleaseLock();

    // The files that exist only once an epoch (or a model, or a search) has finished; see HasResults.
    private static readonly HashSet<string> EpochFiles = new(["training-state.bin", "best.bin", "last.bin", "outcome.json", "tune.json"], StringComparer.Ordinal);

    /// <summary>
    /// True when every file in the folder is one Distill wrote: listed in its manifest, or, for a folder
    /// from before manifests, one of the files every run writes first.
    /// </summary>
    private static bool OnlyDistillFiles(string folder) =>
        RunManifest.Read(folder) is { } listed
            ? ReplaceableFolder.Foreign(folder, listed) is null
            : Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).All(f => IsPreliminary(System.IO.Path.GetFileName(f)));

    private static bool IsPreliminary(string name) =>
        name is MarkerFile or "command-line.json" or "config.json" || (name.StartsWith('.') && name.EndsWith(".tmp", StringComparison.Ordinal));

    private static RunFolder Reuse(string full, string shown)
    {
        var held = Lock(System.IO.Path.Combine(full, MarkerFile), shown);
        // Only files Distill wrote before a first epoch are here (HasResults and OnlyDistillFiles said so).
        foreach (var entry in Directory.EnumerateFileSystemEntries(full).Where(e => System.IO.Path.GetFileName(e) != MarkerFile).ToList())
        {
            if (Directory.Exists(entry)) Directory.Delete(entry, recursive: true);
            else System.IO.File.Delete(entry);
        }
        RunManifest.Start(full);
        return new RunFolder(full, held, owned: true);
    }

    private static FileStream Lock(string marker, string shown)
    {
        try
        {
            return new FileStream(marker, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Only a lock held elsewhere means another run; a read-only mount or a full disk must say so instead.
            throw WriteRefusal.For(e, shown)
                ?? new DistillException($"Run folder '{shown}' is in use by another run that is still going; wait for it or choose another --out.");
        }
    }

    private static string MoveAside(string full, string shown)
    {
        var stamp = DateTime.UtcNow.ToString("yyyyMMddTHHmmssfff", System.Globalization.CultureInfo.InvariantCulture);
        var aside = $"{full}.replaced-{stamp}";
        // Holding the old run's lock while it moves keeps a live run from being replaced under it.
        using (Lock(System.IO.Path.Combine(full, MarkerFile), shown))
        {
            try
            {
                Directory.Move(full, aside);
            }
            catch (IOException e)
            {
                throw new DistillException($"Run folder '{shown}' could not be moved aside to be replaced ({e.Message.TrimEnd('.')}).");
            }
        }
        return aside;
    }

    private void Abandon()
    {
        if (!_owned || !Directory.Exists(Path)) return;
        if (HasResults(Path))
        {
            DeleteReplaced();
            return;
        }
        ReleaseLock();
        Directory.Delete(Path, recursive: true);
        RunManifest.Forget(Path);
        if (_replaced is not null && Directory.Exists(_replaced)) Directory.Move(_replaced, Path);
    }

    private void DeleteReplaced()
    {
        if (_replaced is not null && Directory.Exists(_replaced)) Directory.Delete(_replaced, recursive: true);
    }

    private void ReleaseLock()
    {
        _lock?.Dispose();
        _lock = null;
    }
}
