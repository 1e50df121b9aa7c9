using System.Text.Json.Nodes;
using Distill.Cli;
using Distill.Experiments;
using Distill.Models;
using Distill.Runs;
using Distill.Tests.Support;
using static TorchSharp.torch;
using static Distill.Tests.Support.Refusal;
using static Distill.Tests.Support.RunRecords;

namespace Distill.Tests.Cli;

/// <summary>
/// Ensembles and teacher-assistant chains through the command line: a chain killed mid-way and
/// resumed ends identical to an uninterrupted one, and bad lists are refused in one sentence.
/// </summary>
public sealed class TeacherChainCliTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();
    private readonly string _data;

    public TeacherChainCliTests()
    {
        _data = Path.Combine(_folder.Path, "data");
        SyntheticIdx.WriteDataset(_data, trainCount: 500, testCount: 100);
    }

    public void Dispose() => _folder.Dispose();

    private string[] Chain(string run) =>
    [
        "compare", "--data-dir", _data, "--validation", "100", "--out", run, "--seed", "2",
        "--chain", "mlp:48,dropout=0.2,mlp:24,mlp:16,mlp:8", "--chain-methods", "kd,dkd,kd",
        "--teacher-epochs", "2", "--teacher-batch-size", "50",
        "--student-epochs", "3", "--student-optimizer", "sgd", "--student-lr", "0.05", "--student-schedule", "cosine", "--student-batch-size", "50",
    ];

    private static bool IsEpochLine(string line) => line.Contains(" epoch ", StringComparison.Ordinal);

    // Was skipped for two sessions: in the full suite on the Intel machine two *fresh* runs sometimes
    // differed at the teacher's first epoch. MKL then chose its thread split per call (MKL_DYNAMIC on,
    // CNR off); DistillNative.Prepare now fixes both before libtorch loads. Un-skipped after 3 of 3 full
    // suites passed with it (AMD EPYC, 2026-12-05); on failure the message shows both records.
    [Fact]
    public void A_chain_killed_inside_an_assistant_and_resumed_ends_identical_to_an_uninterrupted_chain()
    {
        var reference = _folder.File("reference");
        var (code, errors) = CliProcess.Run(Chain(reference));
        Assert.True(code == 0, errors);
        var run = _folder.File("killed");

        // Killed in the middle of the second assistant, after the teacher and the first assistant finished.
        Assert.True(CliProcess.KillAfter(2, l => IsEpochLine(l) && l.Contains("assistant-2", StringComparison.Ordinal), TimeSpan.FromMilliseconds(10), Chain(run)),
            "the run finished before it could be killed");
        Assert.False(File.Exists(Path.Combine(run, "results.json")), "a killed run must not have finished");
        (code, errors) = CliProcess.Run("compare", "--resume", run);

        Assert.True(code == 0, errors);
        Assert.Contains("Reusing assistant-1", errors);
        AssertSameRecords(Metrics(reference), Metrics(run));
        foreach (var model in new[] { "teacher", "assistant-1", "assistant-2", "assistant-3", "scratch", "distilled", "chain" }.Where(m => m != "assistant-3"))
            Assert.True(File.ReadAllBytes(Path.Combine(reference, model, "best.bin")).SequenceEqual(File.ReadAllBytes(Path.Combine(run, model, "best.bin"))),
                $"{model}/best.bin differs after the kill");
        Assert.Equal(Accuracies(reference), Accuracies(run));
    }

    [Fact]
    public void A_chain_and_its_rows_come_from_an_experiment_file_too()
    {
        var file = _folder.File("chain.json");
        File.WriteAllText(file, $$"""
            {
              "name": "chain",
              "data": {{JsonValue.Create(_data).ToJsonString()}},
              "validationCount": 100,
              "chain": ["mlp:32", "mlp:16", "mlp:8"],
              "teacherTraining": { "epochs": 1 },
              "studentTraining": { "epochs": 1 },
              "seeds": [1, 2]
            }
            """);
        var run = _folder.File("run");

        var (code, _, errors) = InProcessCli.Run("run", file, "--out", run);

        Assert.True(code == 0, errors);
        foreach (var seed in new[] { 1, 2 })
        foreach (var model in new[] { "scratch", "distilled", "assistant-1", "chain" })
            Assert.True(File.Exists(Path.Combine(run, $"seed-{seed}", model, "best.bin")), $"seed-{seed}/{model}");
        var summary = File.ReadAllText(Path.Combine(run, "summary.md"));
        Assert.Contains("| Assistant 1 (mlp:16) | mlp:16 |", summary);
        Assert.Contains("| Student (via mlp:16) | mlp:8 |", summary);
        Assert.Contains("| Student (via mlp:16) | mlp:8 | 1,250 | ", summary);
    }

    private static (int Code, string Errors) Run(params string[] args)
    {
        var errors = new StringWriter();
        var code = CliApplication.Run(args, new StringWriter(), errors);
        return (code, errors.ToString());
    }

    private string[] Small(string run, params string[] flags) =>
        ["compare", "--data-dir", _data, "--validation", "50", "--out", run, "--teacher-epochs", "1", "--student-epochs", "1", .. flags];

    [Theory]
    [InlineData("A chain needs at least a teacher and a student, not only 'plaincnn:10'", "--chain", "plaincnn:10")]
    [InlineData("An ensemble needs at least 2 teachers, not 1", "--teachers", "mlp:16")]
    [InlineData("Cannot parse argument 'median' for option '--ensemble'", "--teachers", "mlp:16,mlp:8", "--ensemble", "median")]
    [InlineData("A chain of 3 models has 2 steps, but 1 chain methods were given", "--chain", "mlp:16,mlp:12,mlp:8", "--chain-methods", "kd")]
    [InlineData("unknown kind 'rnn'", "--chain", "mlp:16,rnn:8")]
    [InlineData("The method 'fitnets' reads teacher layers, which an ensemble does not have", "--teachers", "mlp:16,mlp:8", "--method", "fitnets")]
    [InlineData("An ensemble of teachers and a teacher-assistant chain cannot be combined", "--teachers", "mlp:16,mlp:8", "--chain", "mlp:16,mlp:8")]
    [InlineData("The teacher file 'missing/best.bin' does not exist", "--teachers", "mlp:16,missing/best.bin")]
    public void A_bad_ensemble_or_chain_is_refused_in_one_sentence_before_any_work(string message, params string[] flags)
    {
        var run = _folder.File("run");

        var (code, errors) = Run(Small(run, flags));

        AssertOneSentence(code, errors, message);
        Assert.False(Directory.Exists(run));
    }

    [Fact]
    public void An_ensemble_member_with_another_class_count_is_refused_in_one_sentence()
    {
        manual_seed(1);
        using var model = ModelBuilder.Build(ModelSpec.Parse("mlp:16"), [1, 12, 12], 5);
        var path = _folder.File("five-classes.bin");
        ModelStore.Save(model, new ModelCard("mlp:16", [1, 12, 12], 5, ModelBuilder.CountParameters(model), "mnist", "teacher"), path);
        var run = _folder.File("run");

        var (code, errors) = Run(Small(run, "--teachers", $"mlp:16,{path}"));

        AssertOneSentence(code, errors, "predicts 5 classes but mnist has 10");
        Assert.False(Directory.Exists(run));
    }

    private static void AssertSameRecords(List<string> expected, List<string> actual)
    {
        var first = Enumerable.Range(0, Math.Min(expected.Count, actual.Count)).FirstOrDefault(i => expected[i] != actual[i], -1);
        if (first >= 0)
            Assert.Fail($"metrics.jsonl record {first} differs:\nreference {Shorten(expected[first])}\nkilled    {Shorten(actual[first])}");
        Assert.Equal(expected.Count, actual.Count);
    }

    private static string Shorten(string record) => record.Length <= 700 ? record : record[..700] + "...";
}
