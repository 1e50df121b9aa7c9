namespace Distill.Export;

/// <summary>
/// The weights file a command means when it is given a run folder: the distilled student's
/// best.bin, or else the folder's only best.bin. A file is taken as it is.
/// </summary>
public static class ModelLocator
{
    public const string DistilledWeights = "distilled/best.bin";

    public static string Resolve(string path)
    {
        if (File.Exists(path)) return path;
        if (!Directory.Exists(path)) throw new DistillException($"'{path}' is neither a model file nor a run folder.");
        var distilled = Path.Combine(path, DistilledWeights);
        if (File.Exists(distilled)) return distilled;
        var found = Directory.EnumerateFiles(path, "best.bin", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Take(6).ToList();
        return found.Count switch
        {
            1 => found[0],
            0 => throw new DistillException($"The run folder '{path}' holds no best.bin to export."),
            _ => throw new DistillException(
                $"The run folder '{path}' holds several models ({string.Join(", ", found.Take(5).Select(f => Path.GetRelativePath(path, f)))}{(found.Count > 5 ? ", ..." : "")}); name one of their best.bin files."),
        };
    }
}
