namespace Distill.Export;

/// <summary>
/// The weights file a command means when it is given a run folder, and the model files near a
/// path that does not exist, so "does not exist" can say what does.
/// </summary>
public static class ModelLocator
{
    public const string DistilledWeights = "distilled/best.bin";

    public const string TeacherWeights = "teacher/best.bin";

    private static readonly string[] ModelExtensions = [".bin", ".onnx", ".pt", ".pth", ".ts"];

    /// <summary>
    /// A file as it is; for a run folder, the distilled student's best.bin, or else the folder's
    /// only best.bin.
    /// </summary>
    public static string Resolve(string path) => Resolve(path, DistilledWeights, "model");

    /// <summary>A file as it is; for a run folder, its teacher's best.bin, or else the folder's only best.bin.</summary>
    public static string ResolveTeacher(string path) => Resolve(path, TeacherWeights, "teacher");

    /// <param name="preferred">The file, relative to a run folder, taken when a folder holds several models.</param>
    /// <param name="noun">What the file is, for messages ("teacher", "model").</param>
    public static string Resolve(string path, string preferred, string noun)
    {
        if (File.Exists(path)) return path;
        if (!Directory.Exists(path)) throw Missing(noun, path);
        var chosen = Path.Combine(path, preferred);
        if (File.Exists(chosen)) return chosen;
        var found = Directory.EnumerateFiles(path, "best.bin", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Take(6).ToList();
        return found.Count switch
        {
            1 => found[0],
            0 => throw new DistillException($"The run folder '{path}' holds no best.bin, so it names no {noun}{Nearby(path)}"),
            _ => throw new DistillException(
                $"The run folder '{path}' holds several models ({string.Join(", ", found.Take(5).Select(f => Path.GetRelativePath(path, f)))}{(found.Count > 5 ? ", ..." : "")}); name the {noun}'s best.bin."),
        };
    }

    /// <summary>"The teacher file 'x' does not exist; model files nearby: a/teacher/best.bin, ...".</summary>
    public static DistillException Missing(string noun, string path) =>
        new($"The {noun} file '{path}' does not exist{Nearby(path)}");

    /// <summary>
    /// "; model files nearby: ..." listing up to five model files under the nearest existing
    /// folder above <paramref name="path"/> (best.bin first), or "." when there are none.
    /// </summary>
    public static string Nearby(string path)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (Directory.Exists(path)) folder = Path.GetFullPath(path);
        while (folder is not null && !Directory.Exists(folder)) folder = Path.GetDirectoryName(folder);
        if (folder is null) return ".";
        List<string> files;
        try
        {
            files = [.. Directory.EnumerateFiles(folder, "*", new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = 2, IgnoreInaccessible = true })
                .Where(f => ModelExtensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
                .Take(200)
                .Where(ModelFileSignature.IsModel)
                .OrderBy(f => Path.GetFileName(f) == "best.bin" ? 0 : 1).ThenBy(f => f, StringComparer.Ordinal)
                .Take(5)];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return ".";
        }
        if (files.Count == 0) return ".";
        var shown = files.Select(f => Path.GetRelativePath(Directory.GetCurrentDirectory(), f));
        return $"; model files nearby: {string.Join(", ", shown)}.";
    }
}
