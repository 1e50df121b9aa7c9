namespace Distill.Experiments.Shards;

/// <summary>
/// A process's hold on one unit of work: an exclusive lock (flock) on a claim file in the unit's
/// folder. The kernel drops the lock when the process ends however it ends, so a killed shard or a
/// retried pod leaves no stale claim, and the next process to claim the unit resumes it. On shared
/// storage this needs locks that work across machines (NFSv4, Lustre, GPFS, CephFS do).
/// </summary>
public sealed class PointClaim : IDisposable
{
    private readonly FileStream _lock;

    private PointClaim(FileStream held) => _lock = held;

    /// <summary>The claim on <paramref name="file"/>, or null while another process holds it.</summary>
    public static PointClaim? TryTake(string file)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        try
        {
            var held = new FileStream(file, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            // Who holds it, for a person looking at a stuck point; the lock, not this text, is the claim.
            held.SetLength(0);
            using (var writer = new StreamWriter(held, leaveOpen: true)) writer.Write($"{Environment.MachineName} {Environment.ProcessId} {DateTimeOffset.UtcNow:O}\n");
            held.Flush();
            Runs.RunManifest.Record(file);
            return new PointClaim(held);
        }
        catch (IOException) when (File.Exists(file))
        {
            return null;
        }
    }

    /// <summary>The claim on <paramref name="file"/>, waiting while another process holds it (it is training what this one needs).</summary>
    public static PointClaim Take(string file, IProgress<string>? messages, CancellationToken cancellation)
    {
        var said = false;
        while (true)
        {
            if (TryTake(file) is { } claim) return claim;
            if (!said) messages?.Report($"Waiting for the process that holds {file}");
            said = true;
            Task.Delay(TimeSpan.FromSeconds(2), cancellation).Wait(cancellation);
        }
    }

    public void Dispose() => _lock.Dispose();
}
