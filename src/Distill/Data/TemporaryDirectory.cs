namespace Distill.Data;

/// <summary>
/// A fresh folder, deleted on dispose. Made under the folder its contents will be moved to, so
/// the final moves are renames on one file system.
/// </summary>
internal sealed class TemporaryDirectory : IDisposable
{
    public TemporaryDirectory(string parent)
    {
        Directory.CreateDirectory(parent);
        Path = System.IO.Path.Combine(parent, ".tmp-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; failing the caller over it is not.
        }
    }
}
