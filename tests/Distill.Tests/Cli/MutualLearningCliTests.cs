using System.Text.Json.Nodes;
using Distill.Models;
using Distill.Tests.Support;
using static Distill.Tests.Support.Refusal;
using static Distill.Tests.Support.RunRecords;

namespace Distill.Tests.Cli;

/// <summary>
/// Deep mutual learning (--peers): the peers train together from scratch, each a row of the report;
/// a run killed inside the cohort resumes with every peer's and the optimizer's state and ends
/// byte-identical to an uninterrupted one; one peer is refused in one sentence.
/// </summary>
public sealed class MutualLearningCliTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();
    private readonly string _data;

    public MutualLearningCliTests()
    {
        _data = Path.Combine(_folder.Path, "data");
        SyntheticIdx.WriteDataset(_data, trainCount: 400, testCount: 100);
    }

    public void Dispose() => _folder.Dispose();

    private string[] Mutual(string run, string peers = "mlp:16,dropout=0.2,mlp:12", string epochs = "3") =>
    [
        "compare", "--data-dir", _data, "--validation", "100", "--out", run, "--seed", "3",
        "--teacher-spec", "mlp:16", "--teacher-epochs", "1", "--student-spec", "mlp:8",
        "--peers", peers,
        "--student-epochs", epochs, "--student-batch-size", "50", "--student-optimizer", "sgd", "--student-lr", "0.05", "--student-schedule", "cosine", "--student-jitter", "1",
    ];

    [Fact]
    public void Each_peer_is_a_row_learns_from_the_other_and_starts_where_the_scratch_student_would()
    {
        var run = _folder.File("run");

        var (code, _, errors) = InProcessCli.Run(Mutual(run, "mlp:8,mlp:8", "2"));

        Assert.True(code == 0, errors);
        var models = RunRecords.ModelNodes(run);
        var rows = models.Where(m => m["role"]!.GetValue<string>() == "peer").ToList();
        Assert.Equal(["Mutual-learning cohort (mean of 2 peers)", "Mutual-learning peer 1 of 2 (mlp:8)", "Mutual-learning peer 2 of 2 (mlp:8)"],
            rows.Select(m => m["title"]!.GetValue<string>()));
        Assert.All(rows, r => Assert.True(r["testAccuracy"]!.GetValue<double>() > 0.3, $"{r["title"]} reached only {r["testAccuracy"]}"));
        Assert.Equal(2 * models.Single(m => m["role"]!.GetValue<string>() == "scratch")["parameters"]!.GetValue<long>(), rows[0]["parameters"]!.GetValue<long>());
        Assert.Equal("mlp:8", ModelStore.ReadCard(Path.Combine(run, "mutual", "peer-2", "best.bin")).Spec);
        Assert.False(File.ReadAllBytes(Path.Combine(run, "mutual", "peer-1", "best.bin")).SequenceEqual(File.ReadAllBytes(Path.Combine(run, "mutual", "peer-2", "best.bin"))),
            "the peers start from different seeds");
        var epochs = File.ReadAllLines(Path.Combine(run, "metrics.jsonl")).Select(l => JsonNode.Parse(l)!).Where(r => r["model"]!.GetValue<string>() == "mutual").ToList();
        Assert.Equal(2, epochs.Count);
        Assert.All(epochs, e => Assert.True(e["lossTerms"]!["peer2_kl"]!.GetValue<double>() > 0, "no mimicry term logged"));
        Assert.Contains("| Mutual-learning peer 2 of 2 (mlp:8) |", File.ReadAllText(Path.Combine(run, "summary.md")));
    }

    [Fact]
    public void A_cohort_killed_mid_run_and_resumed_ends_identical_to_an_uninterrupted_run()
    {
        var reference = _folder.File("reference");
        var (code, errors) = CliProcess.Run(Mutual(reference));
        Assert.True(code == 0, errors);
        var run = _folder.File("killed");

        Assert.True(CliProcess.KillAfter(1, l => l.Contains(" epoch ", StringComparison.Ordinal) && l.Contains("mutual", StringComparison.Ordinal), TimeSpan.FromMilliseconds(30), Mutual(run)),
            "the run finished before it could be killed");
        Assert.False(File.Exists(Path.Combine(run, "results.json")), "a killed run must not have finished");
        (code, errors) = CliProcess.Run("compare", "--resume", run);

        Assert.True(code == 0, errors);
        Assert.Contains("from checkpoint", errors);
        foreach (var file in new[] { "peer-1/best.bin", "peer-1/last.bin", "peer-2/best.bin", "peer-2/last.bin" })
            Assert.True(File.ReadAllBytes(Path.Combine(reference, "mutual", file)).SequenceEqual(File.ReadAllBytes(Path.Combine(run, "mutual", file))), $"mutual/{file} differs after the kill");
        Assert.Equal(Metrics(reference), Metrics(run));
        Assert.Equal(Accuracies(reference), Accuracies(run));
    }

    [Fact]
    public void Peers_come_from_an_experiment_file_with_their_options()
    {
        var file = _folder.File("dml.json");
        File.WriteAllText(file, $$"""
            {
              "name": "dml",
              "data": {{JsonValue.Create(_data).ToJsonString()}},
              "validationCount": 100,
              "teacherSpec": "mlp:16",
              "studentSpec": "mlp:8",
              "mutual": { "peers": ["mlp:8", "mlp:12", "mlp:8"], "mimicryWeight": 2, "temperature": 2 },
              "teacherTraining": { "epochs": 1 },
              "studentTraining": { "epochs": 1 },
              "seeds": [4]
            }
            """);
        var run = _folder.File("run");

        var (code, _, errors) = InProcessCli.Run("run", file, "--out", run);

        Assert.True(code == 0, errors);
        foreach (var peer in new[] { 1, 2, 3 }) Assert.True(File.Exists(Path.Combine(run, "seed-4", "mutual", $"peer-{peer}", "best.bin")), $"peer {peer}");
        var cohort = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "seed-4", "mutual", "cohort.json")))!;
        Assert.Equal(2, cohort["mimicryWeight"]!.GetValue<double>());
        Assert.Contains("mutual learning of 3 peers, mimicry=2, T=2", File.ReadAllText(Path.Combine(run, "seed-4", "mutual", "outcome.json")));
    }

    [Theory]
    [InlineData("Deep mutual learning needs at least 2 peers (--peers SPEC,SPEC), not 1.", "--peers", "mlp:8")]
    [InlineData("unknown kind 'rnn'", "--peers", "mlp:8,rnn:8")]
    [InlineData("Deep mutual learning trains its peers from scratch, so it cannot freeze layers", "--peers", "mlp:8,mlp:8", "--student-freeze-layers", "1")]
    public void A_bad_cohort_is_refused_in_one_sentence_before_any_work(string message, params string[] flags)
    {
        var run = _folder.File("run");

        var result = InProcessCli.Run(["compare", "--data-dir", _data, "--validation", "50", "--out", run, .. flags]);

        AssertOneSentence(result, message);
        Assert.False(Directory.Exists(run));
    }
}
