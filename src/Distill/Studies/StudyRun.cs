using Distill.Reports;
using Distill.Runs;

namespace Distill.Studies;

/// <summary>
/// The steps every whole study shares, whoever describes its roles (<see cref="DistillationStudy"/>
/// from options, <see cref="Distiller"/> from the user's models): its config.json, its roles run in
/// order, its result, and the comparison figure drawn while the test images are loaded.
/// </summary>
internal static class StudyRun
{
    /// <summary>Writes config.json; when resuming, refuses a folder started with another config.</summary>
    public static void WriteConfig(RunFolder folder, string config, bool resume)
    {
        var configPath = folder.File("config.json");
        if (resume && File.Exists(configPath) && File.ReadAllText(configPath) != config)
            throw new DistillException($"The run in '{folder.Path}' was started with other options; resume it with the options in its config.json.");
        AtomicFile.WriteAllText(configPath, config);
    }

    /// <summary>Runs <paramref name="roles"/> on <paramref name="data"/> into <paramref name="folder"/>; the report is written by the caller once the data is freed.</summary>
    public static StudyResult Run(StudyData data, RunFolder folder, IReadOnlyList<StudyRole> roles, StudyObserver observer, CancellationToken cancellation, bool resume)
    {
        using var runner = new StudyRunner(data, folder, observer, cancellation, resume);
        var outcomes = runner.Run(roles);
        var result = new StudyResult(folder.Path, data.Info.Name, data.Test.Count, outcomes, DateTimeOffset.Now) { ClassNames = data.Info.ClassNames, ValidationCount = data.Validation.Count };
        // The one report figure that needs the test images: drawn while they are still loaded.
        if (result.Find(ModelRole.Teacher) is { } teacher && result.Find(ModelRole.Scratch) is { } scratch && result.Find(ModelRole.Distilled) is { } distilled)
            ComparisonGallery.Write(teacher, scratch, distilled, data, folder.File(ComparisonGallery.FileName));
        return result;
    }
}
