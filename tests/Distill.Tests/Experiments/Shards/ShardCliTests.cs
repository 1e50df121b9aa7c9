using System.Text.Json;
using Distill.Experiments;
using Distill.Experiments.Shards;
using Distill.Runs;
using Distill.Tests.Support;

namespace Distill.Tests.Experiments.Shards;

/// <summary>
/// An experiment run in shards and merged must give what the same experiment gives in one process:
/// the same numbers in experiment.json and the same weights in every point's folder.
/// </summary>
public sealed class ShardCliTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();
    private readonly string _data;
    private readonly string _experiment;

    public ShardCliTests()
    {
        _data = Path.Combine(_folder.Path, "data");
        SyntheticIdx.WriteDataset(_data, trainCount: 400, testCount: 100);
        _experiment = _folder.File("experiment.json");
        // Two temperatures over two seeds: four points, and each seed's scratch baseline, which its two points share, a unit of its own:
        // units 0..5 = seed-1/scratch, seed-1/p1, seed-1/p2, seed-2/scratch, seed-2/p1, seed-2/p2.
        File.WriteAllText(_experiment, $$"""
            {
              "name": "tiny",
              "dataDirectory": {{JsonSerializer.Serialize(_data)}},
              "validationCount": 100,
              "teacherSpec": "mlp:32",
              "studentSpec": "mlp:8",
              "seeds": [1, 2],
              "teacherTraining": { "epochs": 2, "batchSize": 50 },
              "studentTraining": { "epochs": 2, "batchSize": 50 },
              "sweep": { "parameters": { "distillation.temperature": [2, 6] } }
            }
            """);
    }

    public void Dispose() => _folder.Dispose();

    private static (int Code, string Output, string Errors) Run(params string[] args) => InProcessCli.Run(args);

    private ShardOutcomeJson Shard(string folder, string shard) => ShardWithMessages(folder, shard).Outcome;

    private (ShardOutcomeJson Outcome, string Messages) ShardWithMessages(string folder, string shard)
    {
        var (code, output, errors) = Run("run", _experiment, "--shard", shard, "--out", folder, "--json");
        Assert.True(code == 0, errors);
        return (JsonSerializer.Deserialize<ShardOutcomeJson>(output, Json.Options)!, errors);
    }

    private static int Count(string text, string part) => text.Split(part).Length - 1;

    private sealed record ShardOutcomeJson(string Shard, string[] Ran, string[] AlreadyFinished, string[] HeldElsewhere);

    [Fact]
    public void Two_shards_and_a_merge_give_the_numbers_and_the_weights_of_the_one_process_run()
    {
        var whole = _folder.File("whole");
        var (code, _, errors) = Run("run", _experiment, "--out", whole, "--device", "cpu");
        Assert.True(code == 0, errors);

        var sharded = _folder.File("sharded");
        // A shard runs its shared baselines first: they need no teacher.
        var (first, firstMessages) = ShardWithMessages(sharded, "0/2");
        var (second, secondMessages) = ShardWithMessages(sharded, "1/2");
        Assert.Equal(["seed-1/scratch", "seed-1/points/p2", "seed-2/points/p1"], first.Ran);
        Assert.Equal(["seed-2/scratch", "seed-1/points/p1", "seed-2/points/p2"], second.Ran);
        // Each seed's scratch baseline, shared by its two points, is trained once in all, and the teacher once.
        Assert.Equal(2, Count(firstMessages + secondMessages, "Training scratch"));
        Assert.Equal(1, Count(firstMessages + secondMessages, "Training teacher"));
        Assert.Equal(4, Count(firstMessages + secondMessages, "Training distilled"));
        Assert.False(File.Exists(Path.Combine(sharded, ExperimentResult.FileName)), "a shard must not write the merged results");
        // The teacher's logits were computed once and read back by every later point.
        Assert.Single(Directory.GetFiles(Path.Combine(sharded, "logits-cache"), "*.bin"));
        (code, _, errors) = Run("merge", sharded);
        Assert.True(code == 0, errors);
        // The merge reads every model's results; it loads, trains and tests none of them.
        Assert.DoesNotContain("Reusing", errors);
        Assert.DoesNotContain("Testing", errors);
        Assert.DoesNotContain("Training", errors);

        AssertSameResults(whole, sharded);
        foreach (var model in new[] { "teacher", "seed-1/scratch", "seed-2/scratch", "seed-1/points/p1/distilled", "seed-2/points/p2/distilled" })
            Assert.True(File.ReadAllBytes(Path.Combine(whole, model, "best.bin")).SequenceEqual(File.ReadAllBytes(Path.Combine(sharded, model, "best.bin"))),
                $"{model}/best.bin differs between the one-process run and the shards");
        Assert.Equal(File.ReadAllText(Path.Combine(whole, "seed-2/points/p2/metrics.jsonl")).Split('\n').Length,
            File.ReadAllText(Path.Combine(sharded, "seed-2/points/p2/metrics.jsonl")).Split('\n').Length);
        Assert.True(File.Exists(Path.Combine(sharded, "report.html")));
    }

    [Fact]
    public void A_merge_names_the_missing_points_and_a_rerun_skips_finished_and_claimed_points()
    {
        var sharded = _folder.File("sharded");
        Shard(sharded, "0/2");

        Refusal.AssertOneSentence(Run("merge", sharded), "3 of 6 units of", "missing (seed-1/points/p1, seed-2/scratch, seed-2/points/p2)", "run the shards again");
        Assert.False(File.Exists(Path.Combine(sharded, ExperimentResult.FileName)));

        // Another process (here: this test) holds seed-1/points/p1 while shard 1 runs.
        using (PointClaim.TryTake(Path.Combine(sharded, "seed-1/points/p1", WorkUnit.ClaimFile)))
        {
            var held = Shard(sharded, "1/2");
            Assert.Equal(["seed-1/points/p1"], held.HeldElsewhere);
            Assert.Equal(["seed-2/scratch", "seed-2/points/p2"], held.Ran);
        }
        var rerun = Shard(sharded, "1/2");
        Assert.Equal(["seed-1/points/p1"], rerun.Ran);
        Assert.Equal(["seed-2/scratch", "seed-2/points/p2"], rerun.AlreadyFinished);
        Assert.Empty(Shard(sharded, "0/2").Ran);

        var (code, _, errors) = Run("run", _experiment, "--out", sharded, "--merge");
        Assert.True(code == 0, errors);
        Assert.Equal(4, Json.Read<ExperimentResult>(Path.Combine(sharded, ExperimentResult.FileName), "results").Runs.Count);
    }

    [Fact]
    public void A_shard_killed_inside_a_point_resumes_it_and_the_merge_equals_the_one_process_run()
    {
        var whole = _folder.File("whole");
        Assert.Equal(0, Run("run", _experiment, "--out", whole).Code);

        var sharded = _folder.File("sharded");
        // Epoch lines: the shared baselines first (seed-1 scratch 1-2, seed-2 scratch 3-4), then teacher 5-6, p1 7-8, p2 9-10: the kill lands inside p2's student.
        Assert.True(CliProcess.KillAfter(9, l => l.Contains(" epoch ", StringComparison.Ordinal), TimeSpan.Zero, "run", _experiment, "--shard", "0/1", "--out", sharded),
            "the shard finished before it could be killed");
        Assert.True(File.Exists(Path.Combine(sharded, "seed-1/points/p1/distilled", "outcome.json")));
        Assert.False(File.Exists(Path.Combine(sharded, "seed-1/points/p2/distilled", "outcome.json")));

        var resumed = Shard(sharded, "0/1");
        Assert.Equal(["seed-1/points/p2", "seed-2/points/p1", "seed-2/points/p2"], resumed.Ran);
        Assert.Equal(["seed-1/scratch", "seed-2/scratch", "seed-1/points/p1"], resumed.AlreadyFinished);
        Assert.Equal(0, Run("merge", sharded).Code);
        AssertSameResults(whole, sharded);
    }

    [Fact]
    public void The_points_stage_before_the_teacher_stage_is_refused_and_leaves_no_folder()
    {
        var sharded = _folder.File("sharded");

        Refusal.AssertOneSentence(Run("run", _experiment, "--shard", "0/2", "--stage", "points", "--out", sharded), "teacher stage", "--stage teacher");
        Assert.False(Directory.Exists(sharded));

        var (code, _, errors) = Run("run", _experiment, "--stage", "teacher", "--out", sharded, "--json");
        Assert.True(code == 0, errors);
        Assert.True(File.Exists(Path.Combine(sharded, "teacher", "outcome.json")));
        Assert.False(Directory.Exists(Path.Combine(sharded, "seed-1")), "the teacher stage must train no point");
    }

    [Fact]
    public void The_plan_lists_points_shards_stages_and_cpu_time_and_trains_nothing()
    {
        var out_ = _folder.File("planned");

        var (code, output, errors) = Run("run", _experiment, "--plan", "--shard", "0/3", "--out", out_, "--wide");

        Assert.True(code == 0, errors);
        Assert.Contains("4 points (point x seed) and 2 shared scratch baseline(s): 6 units, 3 shards", output);
        Assert.Contains("seed-2/scratch", output);
        Assert.Contains("Stage 1, teacher: teacher; estimated", output);
        Assert.Contains("seed-2/points/p2", output);
        foreach (var shard in new[] { "Shard 0/3:", "Shard 1/3:", "Shard 2/3:" }) Assert.Contains(shard, output);
        Assert.Matches(@"Shard 0/3: \d+ s CPU", output);
        Assert.False(Directory.Exists(out_));
    }

    [Fact]
    public void The_plan_of_born_again_generations_and_a_mutual_cohort_prices_the_cohort_by_its_peers()
    {
        var experiment = _folder.File("self-mutual.json");
        File.WriteAllText(experiment, $$"""
            {
              "name": "self-mutual",
              "dataDirectory": {{JsonSerializer.Serialize(_data)}},
              "validationCount": 100,
              "teacherSpec": "mlp:8",
              "studentSpec": "mlp:8",
              "seeds": [1],
              "teacherTraining": { "epochs": 1, "batchSize": 50 },
              "studentTraining": { "epochs": 1, "batchSize": 50 },
              "generations": 2,
              "mutual": { "peers": ["mlp:8", "mlp:16"] }
            }
            """);
        var out_ = _folder.File("planned-mutual");

        var (code, output, errors) = Run("run", experiment, "--plan", "--out", out_, "--wide");

        Assert.True(code == 0, errors);
        Assert.Matches(@"Shard 0/1: \d+ s CPU", output);
        Assert.False(Directory.Exists(out_));
    }

    [Fact]
    public void A_bad_shard_a_merge_of_no_experiment_and_another_experiment_in_the_folder_are_refused()
    {
        Refusal.AssertOneSentence(Run("run", _experiment, "--shard", "2/2", "--out", _folder.File("x")), "0 <= i < n", "--shard");
        Assert.False(Directory.Exists(_folder.File("x")));
        Refusal.AssertOneSentence(Run("merge", _folder.File("nothing")), "does not exist");
        Directory.CreateDirectory(_folder.File("empty"));
        Refusal.AssertOneSentence(Run("merge", _folder.File("empty")), "has no config.json");

        var sharded = _folder.File("sharded");
        Assert.Equal(0, Run("run", _experiment, "--stage", "teacher", "--out", sharded).Code);
        Refusal.AssertOneSentence(Run("run", _experiment, "--set", "studentSpec=mlp:4", "--shard", "0/2", "--out", sharded), "holds another experiment");
    }

    private static void AssertSameResults(string whole, string sharded)
    {
        var one = Json.Read<ExperimentResult>(Path.Combine(whole, ExperimentResult.FileName), "results");
        var merged = Json.Read<ExperimentResult>(Path.Combine(sharded, ExperimentResult.FileName), "results");
        Assert.Equal(one.ComparedTeacher.TestAccuracy, merged.ComparedTeacher.TestAccuracy);
        Assert.Equal(one.Runs.Select(r => (r.Point.Id, r.Seed)), merged.Runs.Select(r => (r.Point.Id, r.Seed)));
        foreach (var (a, b) in one.Runs.Zip(merged.Runs))
        {
            Assert.Equal((a.Scratch.TestAccuracy, a.Scratch.TestErrors), (b.Scratch.TestAccuracy, b.Scratch.TestErrors));
            Assert.Equal((a.Distilled.TestAccuracy, a.Distilled.TestErrors, a.Distilled.BestEpoch), (b.Distilled.TestAccuracy, b.Distilled.TestErrors, b.Distilled.BestEpoch));
            Assert.Equal(a.Distilled.History.Select(h => h.ValidationAccuracy), b.Distilled.History.Select(h => h.ValidationAccuracy));
        }
        // The sweep table names its run folder (for the best point's command); the rest must match.
        Assert.Equal(File.ReadAllText(Path.Combine(whole, "sweep.md")).Replace(whole, "RUN"), File.ReadAllText(Path.Combine(sharded, "sweep.md")).Replace(sharded, "RUN"));
    }
}
