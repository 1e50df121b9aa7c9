using System.Text.Json.Nodes;
using Distill.Experiments;
using Distill.Models;
using Distill.Runs;
using Distill.Tests.Support;
using Distill.Training;
using static Distill.Tests.Support.RunRecords;

namespace Distill.Tests.Cli;

/// <summary>
/// A run killed with SIGKILL and resumed with --resume must end exactly where an uninterrupted run
/// with the same seed ends: the same weight files byte for byte and the same metrics (wall-clock
/// timings aside, which no two runs share).
/// </summary>
public sealed class KillAndResumeTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();
    private readonly string _data;

    public KillAndResumeTests()
    {
        _data = Path.Combine(_folder.Path, "data");
        SyntheticIdx.WriteDataset(_data, trainCount: 700, testCount: 100);
    }

    public void Dispose() => _folder.Dispose();

    // Every kind of state a resume must restore: dropout (global generator), jitter (its own
    // generator), shuffling, Adam moments for the teacher, SGD momentum and a cosine schedule for
    // the students, and the teacher's cached logits for the distilled student.
    private string[] Compare(string run) =>
    [
        "compare", "--data-dir", _data, "--validation", "200", "--out", run, "--seed", "3",
        "--teacher-spec", "mlp:48,dropout=0.3", "--teacher-epochs", "3", "--teacher-jitter", "1", "--teacher-batch-size", "50",
        "--student-spec", "mlp:24,dropout=0.2", "--student-epochs", "3", "--student-optimizer", "sgd", "--student-lr", "0.05",
        "--student-schedule", "cosine", "--student-batch-size", "50",
    ];

    private static bool IsEpochLine(string line) => line.Contains(" epoch ", StringComparison.Ordinal);

    [Fact]
    public void A_run_killed_at_several_points_and_resumed_ends_identical_to_an_uninterrupted_run()
    {
        var reference = _folder.File("reference");
        var (code, errors) = CliProcess.Run(Compare(reference));
        Assert.True(code == 0, errors);

        // Kill points (epoch lines seen): inside the scratch student, and a run killed twice (in the
        // teacher, then again inside the distilled student after resuming); small delays move the
        // kill away from the epoch boundary.
        var plans = new[] { new[] { (4, 20) }, [(2, 5), (5, 0)] };
        foreach (var plan in plans)
        {
            var run = _folder.File("killed-" + string.Join("-", plan.Select(p => p.Item1)));
            Assert.True(CliProcess.KillAfter(plan[0].Item1, IsEpochLine, TimeSpan.FromMilliseconds(plan[0].Item2), Compare(run)),
                "the run finished before it could be killed");
            foreach (var (lines, delay) in plan.Skip(1))
                Assert.True(CliProcess.KillAfter(lines, l => IsEpochLine(l) && !l.Contains("from checkpoint"), TimeSpan.FromMilliseconds(delay), "compare", "--resume", run),
                    "the resumed run finished before it could be killed again");
            Assert.False(File.Exists(Path.Combine(run, "results.json")), "a killed run must not have finished");
            AssertNoFileIsTruncated(run);

            (code, errors) = CliProcess.Run("compare", "--resume", run);

            Assert.True(code == 0, errors);
            foreach (var model in new[] { "teacher", "scratch", "distilled" })
            foreach (var file in new[] { "best.bin", "last.bin" })
                Assert.True(File.ReadAllBytes(Path.Combine(reference, model, file)).SequenceEqual(File.ReadAllBytes(Path.Combine(run, model, file))),
                    $"{model}/{file} differs after a kill at {string.Join(", ", plan)}");
            Assert.Equal(Metrics(reference), Metrics(run));
            Assert.Equal(Outcomes(reference), Outcomes(run));
            Assert.Empty(Directory.GetFiles(run, "*.tmp", SearchOption.AllDirectories));
        }
    }

    [Fact]
    public void A_killed_train_run_resumes_to_the_same_weights_and_metrics()
    {
        string[] Train(string run) =>
            ["train", "--data-dir", _data, "--validation", "200", "--out", run, "--model", "mlp:32,dropout=0.3", "--epochs", "4",
             "--batch-size", "50", "--optimizer", "adamw", "--schedule", "step", "--step-epochs", "1", "--gamma", "0.5", "--jitter", "1"];
        var reference = _folder.File("reference");
        var (code, errors) = CliProcess.Run(Train(reference));
        Assert.True(code == 0, errors);
        var run = _folder.File("killed");
        Assert.True(CliProcess.KillAfter(2, IsEpochLine, TimeSpan.FromMilliseconds(10), Train(run)), "the run finished before it could be killed");

        (code, errors) = CliProcess.Run("train", "--resume", run);

        Assert.True(code == 0, errors);
        Assert.Contains("from checkpoint", errors);
        foreach (var file in new[] { "best.bin", "last.bin" })
            Assert.Equal(File.ReadAllBytes(Path.Combine(reference, "teacher", file)), File.ReadAllBytes(Path.Combine(run, "teacher", file)));
        Assert.Equal(Metrics(reference), Metrics(run));
    }

    [Fact]
    public void Resume_refuses_a_folder_without_a_saved_run_and_extra_options()
    {
        var empty = _folder.File("empty");
        Directory.CreateDirectory(empty);

        var (code, errors) = CliProcess.Run("compare", "--resume", empty);
        Assert.Equal(1, code);
        Assert.Contains("saved command line", errors);

        (code, errors) = CliProcess.Run("compare", "--resume", empty, "--seed", "4");
        Assert.Equal(1, code);
        Assert.Contains("no other options", errors);
    }

    /// <summary>
    /// Whatever the kill interrupted, every file under its real name is whole: weights load,
    /// metrics parse, and a training state (when one exists) reads back with a valid checksum.
    /// </summary>
    private static void AssertNoFileIsTruncated(string run)
    {
        foreach (var weights in Directory.GetFiles(run, "*.bin", SearchOption.AllDirectories).Where(f => Path.GetFileName(f) is "best.bin" or "last.bin"))
            ModelStore.Load(weights).Model.Dispose();
        if (File.Exists(Path.Combine(run, "metrics.jsonl"))) MetricsLog.Read(Path.Combine(run, "metrics.jsonl"));
        foreach (var json in Directory.GetFiles(run, "*.json", SearchOption.AllDirectories))
            System.Text.Json.JsonDocument.Parse(File.ReadAllText(json)).Dispose();
        foreach (var state in Directory.GetFiles(run, TrainingCheckpoint.FileName, SearchOption.AllDirectories))
        {
            var bytes = File.ReadAllBytes(state);
            Assert.Equal(System.Security.Cryptography.SHA256.HashData(bytes.AsSpan(0, bytes.Length - 32)), bytes[^32..]);
        }
    }

    /// <summary>The test results of each model, without timings and paths.</summary>
    private static List<string> Outcomes(string run) =>
        Json.Read<ExperimentResult>(Path.Combine(run, ExperimentResult.ResultsFileName), "results").Models
            .Select(m => string.Join(",", m.Role, m.TestErrors, m.LastEpochTestErrors, m.BestEpoch, m.EpochsRun)).ToList();
}
