using Distill.Runs;
using Distill.Tests.Support;
using static Distill.Tests.Support.Refusal;

namespace Distill.Tests.Reliability;

/// <summary>
/// Round 3 of the hostile-user cases on run folders: --force replaces only the files a run's manifest
/// lists, a run refused before its first epoch leaves no folder in the way of the corrected retry, and a
/// folder that cannot be written says why instead of blaming another run.
/// </summary>
public sealed class RunFolderSafetyTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();
    private readonly string _data;

    public RunFolderSafetyTests()
    {
        _data = Path.Combine(_folder.Path, "data");
        SyntheticIdx.WriteDataset(_data, trainCount: 300, testCount: 100);
    }

    public void Dispose() => _folder.Dispose();

    private string[] Train(string run, params string[] extra) => TrainFor(1, run, extra);

    private string[] TrainFor(int epochs, string run, params string[] extra) =>
        ["train", "-m", "mlp:8", "--data-dir", _data, "--validation", "50", "--epochs", epochs.ToString(System.Globalization.CultureInfo.InvariantCulture), "--out", run, .. extra];

    [Theory]
    [InlineData("photos/cat-001.png")]
    [InlineData("notes.md")]
    [InlineData("figure.png")]
    [InlineData("settings.json")]
    [InlineData("backup/best-epoch-7.bin")]
    public void Force_refuses_a_copied_run_holding_a_users_file_whatever_its_extension_and_deletes_nothing(string own)
    {
        var original = _folder.File("original");
        Assert.Equal(0, InProcessCli.Run(Train(original)).Code);
        var copy = _folder.File("copy");
        CopyFolder(original, copy);
        var path = Path.Combine(copy, own);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "the user's own work");
        var before = Directory.GetFiles(copy, "*", SearchOption.AllDirectories).Length;

        AssertOneSentence(InProcessCli.Run(Train(copy, "--force")), $"it holds '{own}', which Distill did not write");

        Assert.Equal("the user's own work", File.ReadAllText(path));
        Assert.Equal(before, Directory.GetFiles(copy, "*", SearchOption.AllDirectories).Length);
        Assert.Empty(Directory.EnumerateDirectories(_folder.Path, "*.replaced-*"));
    }

    [Fact]
    public void Force_still_replaces_a_run_holding_only_what_Distill_wrote_there_including_a_later_export()
    {
        var run = _folder.File("run");
        Assert.Equal(0, InProcessCli.Run(Train(run)).Code);
        // A later command writing into the run adds its file to the run's manifest.
        Assert.Equal(0, InProcessCli.Run("export", run, "-o", Path.Combine(run, "model.onnx")).Code);
        Assert.Contains("model.onnx", RunManifest.Read(run)!);

        var (code, _, errors) = InProcessCli.Run(TrainFor(2, run, "--force"));

        Assert.True(code == 0, errors);
        Assert.Equal(2, File.ReadAllLines(Path.Combine(run, "metrics.jsonl")).Length);
        Assert.Contains("metrics.jsonl", RunManifest.Read(run)!);
    }

    [Fact]
    public void Force_refuses_a_run_made_before_manifests_and_says_why()
    {
        var run = _folder.File("run");
        Assert.Equal(0, InProcessCli.Run(Train(run)).Code);
        File.Delete(Path.Combine(run, RunManifest.FileName));

        AssertOneSentence(InProcessCli.Run(Train(run, "--force")), "kept no list of the files it wrote");

        Assert.True(File.Exists(Path.Combine(run, "results.json")));
    }

    [Fact]
    public void A_distillation_refused_for_its_jitter_leaves_no_folder_and_the_retry_runs()
    {
        var teacher = _folder.File("teacher");
        Assert.Equal(0, InProcessCli.Run(Train(teacher)).Code);
        var run = _folder.File("distilled");
        string[] distill = ["distill", "--teacher", teacher, "-s", "mlp:8", "--data-dir", _data, "--validation", "50", "--epochs", "1", "--out", run];

        AssertOneSentence(InProcessCli.Run([.. distill, "--jitter", "1000"]), "jitter of 1000 pixels");
        Assert.False(Directory.Exists(run), "the refused run left its folder");

        var (code, _, errors) = InProcessCli.Run(distill);
        Assert.True(code == 0, errors);
    }

    [Fact]
    public void A_distillation_that_diverges_in_its_first_epoch_leaves_no_folder()
    {
        var teacher = _folder.File("teacher");
        Assert.Equal(0, InProcessCli.Run(Train(teacher)).Code);
        var run = _folder.File("distilled");

        var refused = InProcessCli.Run("distill", "--teacher", teacher, "-s", "mlp:8", "--data-dir", _data, "--validation", "50", "--epochs", "1",
            "--optimizer", "sgd", "--lr", "1e30", "--out", run);

        Assert.Equal(1, refused.Code);
        Assert.DoesNotContain("   at ", refused.Errors);
        Assert.False(Directory.Exists(run), "the refused run left its folder");
    }

    [Fact]
    public void A_compare_whose_student_options_do_not_fit_the_images_is_refused_before_the_teacher_trains()
    {
        var run = _folder.File("run");

        var refused = InProcessCli.Run("compare", "--data-dir", _data, "--validation", "50", "--teacher-spec", "mlp:16", "--student-spec", "mlp:8",
            "--teacher-epochs", "1", "--student-epochs", "1", "--student-jitter", "1000", "--out", run);

        AssertOneSentence(refused, "jitter of 1000 pixels");
        Assert.DoesNotContain("Training teacher", refused.Errors);
        Assert.False(Directory.Exists(run));
    }

    [Fact]
    public void A_read_only_file_system_is_named_rather_than_blamed_on_another_run()
    {
        // The tests run as root, for whom chmod does not make a folder read-only: the errno .NET carries is given directly.
        const int readOnlyFileSystem = 30;
        Assert.Equal("Cannot write to 'runs/x': read-only file system.", WriteRefusal.For(new IOException("Read-only file system", readOnlyFileSystem), "runs/x")!.Message);
        Assert.Equal("Cannot write to 'runs/x': permission denied.", WriteRefusal.For(new UnauthorizedAccessException(), "runs/x")!.Message);
        // A lock held by another process (EWOULDBLOCK) is not a write failure: it keeps its own message.
        Assert.Null(WriteRefusal.For(new IOException("locked", 11), "runs/x"));
    }

    [Fact]
    public void A_run_held_by_another_process_is_still_reported_as_in_use()
    {
        var run = _folder.File("run");
        Assert.Equal(0, InProcessCli.Run(Train(run)).Code);
        using var held = new FileStream(Path.Combine(run, RunFolder.MarkerFile), FileMode.Open, FileAccess.ReadWrite, FileShare.None);

        var (code, errors) = CliProcess.Run("train", "--resume", run);

        Assert.Equal(1, code);
        Assert.Contains("in use by another run", errors);
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
