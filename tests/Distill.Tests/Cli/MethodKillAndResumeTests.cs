using Distill.Tests.Support;
using static Distill.Tests.Support.RunRecords;

namespace Distill.Tests.Cli;

/// <summary>
/// `distill distill --method crd` (or fitnets) killed with SIGKILL mid-run and resumed with --resume
/// ends exactly where an uninterrupted run ends: CRD's heads, memory banks, normalisers and negatives
/// generator, and FitNets' regressor (batch norm included), are saved with the student.
/// </summary>
public sealed class MethodKillAndResumeTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();
    private readonly string _data;
    private readonly string _teacher;

    public MethodKillAndResumeTests()
    {
        _data = Path.Combine(_folder.Path, "data");
        SyntheticIdx.WriteDataset(_data, trainCount: 700, testCount: 100);
        var teacherRun = _folder.File("teacher-run");
        var (code, _, errors) = InProcessCli.Run("train", "--data-dir", _data, "--validation", "100", "--out", teacherRun,
            "--model", "cnn:c8-relu-mp2-fc32-relu", "--epochs", "1", "--batch-size", "50");
        Assert.True(code == 0, errors);
        _teacher = Path.Combine(teacherRun, "teacher", "best.bin");
    }

    public void Dispose() => _folder.Dispose();

    private string[] Distil(string run, string method) =>
    [
        "distill", "--data-dir", _data, "--validation", "100", "--out", run, "--seed", "3", "--teacher", _teacher,
        "--student-spec", "cnn:c4-relu-mp2-fc16-relu-drop0.2", "--epochs", "3", "--batch-size", "50", "--jitter", "1",
        "--optimizer", "sgd", "--lr", "0.05", "--schedule", "cosine",
        "--method", method, "--method-option", "crd.negatives=64", "--method-option", "crd.featureDimension=16",
    ];

    private static bool IsEpochLine(string line) => line.Contains(" epoch ", StringComparison.Ordinal);

    [Theory]
    [InlineData("kd+crd")]
    [InlineData("fitnets")]
    public void A_distillation_with_method_state_killed_mid_run_and_resumed_ends_identical_to_an_uninterrupted_run(string method)
    {
        var reference = _folder.File("reference");
        var (code, errors) = CliProcess.Run(Distil(reference, method));
        Assert.True(code == 0, errors);
        var run = _folder.File("killed");
        Assert.True(CliProcess.KillAfter(1, IsEpochLine, TimeSpan.FromMilliseconds(30), Distil(run, method)), "the run finished before it could be killed");
        Assert.False(File.Exists(Path.Combine(run, "results.json")), "a killed run must not have finished");

        (code, errors) = CliProcess.Run("distill", "--resume", run);

        Assert.True(code == 0, errors);
        Assert.Contains("from checkpoint", errors);
        foreach (var file in new[] { "best.bin", "last.bin" })
            Assert.True(File.ReadAllBytes(Path.Combine(reference, "distilled", file)).SequenceEqual(File.ReadAllBytes(Path.Combine(run, "distilled", file))),
                $"distilled/{file} differs after the kill under {method}");
        Assert.Equal(Metrics(reference), Metrics(run));
    }
}
