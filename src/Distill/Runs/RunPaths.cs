using Distill.Experiments;
using Distill.Studies;

namespace Distill.Runs;

/// <summary>
/// Paths as results files store them: relative to the run folder for files inside it, so a copied
/// or moved run still names its own weights rather than the folder it was copied from; a file
/// outside the run (a teacher loaded with --teacher) keeps its full path.
/// </summary>
public static class RunPaths
{
    /// <summary><paramref name="path"/> relative to <paramref name="runFolder"/> when it lies inside it.</summary>
    public static string Stored(string path, string runFolder)
    {
        var full = Path.GetFullPath(path);
        var relative = Path.GetRelativePath(Path.GetFullPath(runFolder), full);
        return relative == ".." || relative.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal) || Path.IsPathRooted(relative)
            ? full
            : relative;
    }

    /// <summary>A stored path made usable again: relative ones are taken from <paramref name="runFolder"/>.</summary>
    public static string Resolve(string stored, string runFolder) => Path.GetFullPath(stored, Path.GetFullPath(runFolder));

    public static ExperimentResult Stored(ExperimentResult result, string runFolder) => result with
    {
        RunDirectory = Stored(result.RunDirectory, runFolder),
        Teacher = result.Teacher is null ? null : Stored(result.Teacher, runFolder),
        Members = result.Members.Select(m => Stored(m, runFolder)).ToList(),
        Unpaired = result.Unpaired.Select(m => Stored(m, runFolder)).ToList(),
        Runs = result.Runs.Select(r => r with
        {
            RunDirectory = Stored(r.RunDirectory, runFolder), Scratch = Stored(r.Scratch, runFolder), Distilled = Stored(r.Distilled, runFolder),
            Others = r.Others.Select(m => Stored(m, runFolder)).ToList(),
        }).ToList(),
    };

    public static ExperimentResult Resolved(ExperimentResult result, string runFolder) => result with
    {
        RunDirectory = Resolve(result.RunDirectory, runFolder),
        Teacher = result.Teacher is null ? null : Resolved(result.Teacher, runFolder),
        Members = result.Members.Select(m => Resolved(m, runFolder)).ToList(),
        Unpaired = result.Unpaired.Select(m => Resolved(m, runFolder)).ToList(),
        Runs = result.Runs.Select(r => r with
        {
            RunDirectory = Resolve(r.RunDirectory, runFolder),
            Scratch = Resolved(r.Scratch, runFolder),
            Distilled = Resolved(r.Distilled, runFolder),
            Others = r.Others.Select(m => Resolved(m, runFolder)).ToList(),
        }).ToList(),
    };

    private static ModelOutcome Stored(ModelOutcome model, string runFolder) => model with
    {
        WeightsPath = Stored(model.WeightsPath, runFolder),
        PredictionsPath = model.PredictionsPath is null ? null : Stored(model.PredictionsPath, runFolder),
    };

    private static ModelOutcome Resolved(ModelOutcome model, string runFolder) => model with
    {
        WeightsPath = Resolve(model.WeightsPath, runFolder),
        PredictionsPath = model.PredictionsPath is null ? null : Resolve(model.PredictionsPath, runFolder),
    };
}
