using Distill.Tests.Support;

namespace Distill.Tests.Reliability;

/// <summary>
/// A model's outcome.json marks it finished, so a run killed just after one appeared must still
/// end, once resumed, with every file an uninterrupted run has (the gallery was once written after
/// outcome.json and lost to such a kill).
/// </summary>
public sealed class ResumeArtefactTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void A_run_killed_just_after_the_distilled_outcome_resumes_with_every_artefact()
    {
        var images = _folder.File("images");
        SyntheticImages.WriteSplit(images, trainPerClass: 12, testPerClass: 6);
        var reference = _folder.File("reference");
        var (code, errors) = CliProcess.Run("compare", "--data", images, "--validation", "8", "--out", reference,
            "--teacher-spec", "mlp:16", "--student-spec", "mlp:8", "--teacher-epochs", "1", "--student-epochs", "1");
        Assert.True(code == 0, errors);
        Assert.True(File.Exists(Path.Combine(reference, "distilled", "gallery.png")), "a finished run on images has a gallery per model");

        // The state a kill leaves right after distilled/outcome.json appears: nothing written after it.
        var killed = _folder.File("killed");
        CopyFolder(reference, killed);
        var outcome = File.GetLastWriteTimeUtc(Path.Combine(killed, "distilled", "outcome.json"));
        // The run's list of its files is rewritten as files appear, so it exists at any kill point.
        foreach (var file in Directory.GetFiles(killed, "*", SearchOption.AllDirectories).Where(f => Path.GetFileName(f) != Distill.Runs.RunManifest.FileName))
            if (File.GetLastWriteTimeUtc(file) > outcome || Path.GetFileName(file) == "gallery.png" && file.Contains("distilled"))
                File.Delete(file);

        (code, errors) = CliProcess.Run("compare", "--resume", killed);

        Assert.True(code == 0, errors);
        Assert.Equal(Files(reference), Files(killed));
    }

    private static List<string> Files(string run) =>
        Directory.GetFiles(run, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(run, f)).Order(StringComparer.Ordinal).ToList();

    private static void CopyFolder(string from, string to)
    {
        foreach (var directory in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, directory)));
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            File.Copy(file, target);
            File.SetLastWriteTimeUtc(target, File.GetLastWriteTimeUtc(file));
        }
    }
}
