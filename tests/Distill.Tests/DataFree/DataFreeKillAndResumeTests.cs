using Distill.Reports;
using Distill.Tests.Support;
using static Distill.Tests.Support.RunRecords;

namespace Distill.Tests.DataFree;

/// <summary>
/// A data-free student killed with SIGKILL mid-run and resumed with --resume ends byte-identical to an
/// uninterrupted run: DAFL's generator, its batch-norm statistics and both Adams, the impressions made so far
/// by zskd and deepinversion, the student's optimizer and the random generator are all in its checkpoint.
/// </summary>
public sealed class DataFreeKillAndResumeTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();
    private readonly string _data;
    private readonly string _teacher;

    public DataFreeKillAndResumeTests()
    {
        _data = Path.Combine(_folder.Path, "data");
        SyntheticIdx.WriteDataset(_data, trainCount: 300, testCount: 100);
        _teacher = _folder.File("teacher");
        var (code, _, errors) = InProcessCli.Run("train", "--data-dir", _data, "--validation", "100", "-m", "cnn:c8-bn-relu-mp2-fc32-relu", "--epochs", "1", "--out", _teacher);
        Assert.True(code == 0, errors);
    }

    public void Dispose() => _folder.Dispose();

    private string[] DataFree(string run, string method, params string[] flags) =>
    [
        "distill", "--teacher", _teacher, "--student-spec", "cnn:c4-bn-relu-mp2-fc16-relu", "--data-free", method, "--data-dir", _data,
        "--epochs", "3", "--lr", "0.005", "--seed", "5", "--out", run, .. flags,
    ];

    [Theory]
    [InlineData("dafl", " epoch ", "--steps-per-epoch", "8", "--batch-size", "16", "--bn-weight", "0.1")]
    [InlineData("zskd", "Impressions for", "--impressions", "200", "--impression-steps", "40", "--batch-size", "50")]
    [InlineData("deepinversion", " epoch ", "--impressions", "150", "--impression-steps", "20", "--batch-size", "40")]
    public void A_data_free_student_killed_mid_run_and_resumed_ends_identical_to_an_uninterrupted_run(string method, string killAfter, params string[] flags)
    {
        var reference = _folder.File("reference-" + method);
        var (code, errors) = CliProcess.Run(DataFree(reference, method, flags));
        Assert.True(code == 0, errors);
        var run = _folder.File("killed-" + method);

        Assert.True(CliProcess.KillAfter(1, l => l.Contains(killAfter, StringComparison.Ordinal), TimeSpan.FromMilliseconds(30), DataFree(run, method, flags)),
            "the run finished before it could be killed");
        Assert.False(File.Exists(Path.Combine(run, "results.json")), "a killed run must not have finished");
        (code, errors) = CliProcess.Run("distill", "--resume", run);

        Assert.True(code == 0, errors);
        Assert.Contains(killAfter == " epoch " ? "from checkpoint" : "impressions made", errors);
        foreach (var file in new[] { "best.bin", SyntheticGallery.FileName })
            Assert.True(File.ReadAllBytes(Path.Combine(reference, "distilled", file)).SequenceEqual(File.ReadAllBytes(Path.Combine(run, "distilled", file))),
                $"distilled/{file} differs after the kill under {method}");
        Assert.Equal(Metrics(reference), Metrics(run));
        Assert.Equal(Accuracies(reference), Accuracies(run));
    }
}
