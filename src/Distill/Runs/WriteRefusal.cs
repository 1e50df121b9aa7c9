namespace Distill.Runs;

/// <summary>
/// Why a folder cannot be written, in words, for the errors that say so (a read-only mount, a full
/// disk, missing permission). Without this, a run folder whose marker cannot be opened for writing
/// was reported as locked by another run, which sends the user looking for a process that is not there.
/// </summary>
public static class WriteRefusal
{
    // The errno values .NET carries in IOException.HResult on Linux for these failures.
    private const int ReadOnlyFileSystem = 30;
    private const int NoSpace = 28;
    private const int QuotaExceeded = 122;

    /// <summary>"read-only file system", "no space left on device", ...; null when the error says something else.</summary>
    public static string? Reason(Exception error) => error switch
    {
        UnauthorizedAccessException => "permission denied",
        IOException { HResult: ReadOnlyFileSystem } => "read-only file system",
        IOException { HResult: NoSpace } => "no space left on device",
        IOException { HResult: QuotaExceeded } => "disk quota exceeded",
        _ => null,
    };

    /// <summary>"Cannot write to 'X': read-only file system.", or null when <paramref name="error"/> is not about writing.</summary>
    public static DistillException? For(Exception error, string shown) =>
        Reason(error) is { } reason ? new DistillException($"Cannot write to '{shown}': {reason}.") : null;
}
