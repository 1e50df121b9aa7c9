using System.Text.Json.Nodes;
using Distill.Models;
using Distill.Runs;
using Distill.Studies;
using Distill.Tests.Support;
using Distill.Training;
using static Distill.Tests.Support.Refusal;

namespace Distill.Tests.Cli;

/// <summary>
/// Born-again networks (--generations K): every generation has the teacher's architecture and learns
/// from the one before, the report has a row per generation and one for their ensemble, from the
/// command line, an experiment file and the library; a bad K is refused in one sentence.
/// </summary>
public sealed class BornAgainCliTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();
    private readonly string _data;

    public BornAgainCliTests()
    {
        _data = Path.Combine(_folder.Path, "data");
        SyntheticIdx.WriteDataset(_data, trainCount: 500, testCount: 100);
    }

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Two_generations_learn_in_a_row_from_the_teacher_and_their_ensemble_is_a_row()
    {
        var run = _folder.File("run");

        var (code, _, errors) = InProcessCli.Run("compare", "--data-dir", _data, "--validation", "100", "--out", run, "--generations", "2",
            "--teacher-spec", "mlp:24", "--student-spec", "mlp:8", "--teacher-epochs", "2", "--student-epochs", "1");

        Assert.True(code == 0, errors);
        var models = Models(run);
        Assert.Equal(["Teacher", "Student (scratch)", "Student (distilled)", "Born-again generation 1", "Born-again generation 2", "Born-again ensemble (generations 1-2)"],
            models.Select(m => m["title"]?.GetValue<string>() ?? Label(m)));
        Assert.Equal("Teacher", models[3]["distilledFrom"]!.GetValue<string>());
        Assert.Equal("Born-again generation 1", models[4]["distilledFrom"]!.GetValue<string>());
        foreach (var generation in new[] { "generation-1", "generation-2" })
        {
            Assert.Equal("mlp:24", ModelStore.ReadCard(Path.Combine(run, generation, "best.bin")).Spec);
            Assert.Equal(2, models.Single(m => m["title"]?.GetValue<string>() == $"Born-again {generation.Replace('-', ' ')}")["epochsRun"]!.GetValue<int>());
        }
        Assert.Equal(2 * models[0]["parameters"]!.GetValue<long>(), models[5]["parameters"]!.GetValue<long>());
        Assert.False(File.ReadAllBytes(Path.Combine(run, "generation-1", "best.bin")).SequenceEqual(File.ReadAllBytes(Path.Combine(run, "generation-2", "best.bin"))));
        var summary = File.ReadAllText(Path.Combine(run, "summary.md"));
        Assert.Contains("| Born-again generation 2 |", summary);
        Assert.Contains("| Born-again ensemble (generations 1-2) |", summary);
        Assert.Equal(2, JsonNode.Parse(File.ReadAllText(Path.Combine(run, "config.json")))!["generations"]!.GetValue<int>());
    }

    [Fact]
    public void Generations_come_from_an_experiment_file_per_seed_and_from_the_library()
    {
        var file = _folder.File("ban.json");
        File.WriteAllText(file, $$"""
            {
              "name": "ban",
              "data": {{JsonValue.Create(_data).ToJsonString()}},
              "validationCount": 100,
              "teacherSpec": "mlp:16",
              "studentSpec": "mlp:8",
              "generations": 1,
              "teacherTraining": { "epochs": 1 },
              "studentTraining": { "epochs": 1 },
              "seeds": [1, 2]
            }
            """);
        var run = _folder.File("run");

        var (code, _, errors) = InProcessCli.Run("run", file, "--out", run);

        Assert.True(code == 0, errors);
        foreach (var seed in new[] { 1, 2 })
            Assert.Equal("mlp:16", ModelStore.ReadCard(Path.Combine(run, $"seed-{seed}", "generation-1", "best.bin")).Spec);
        Assert.False(Directory.Exists(Path.Combine(run, "seed-1", "generations")), "one generation has no ensemble");

        var roles = StudyPlan.Study(new StudyOptions { TeacherSpec = "mlp:16", StudentSpec = "mlp:8", Generations = 3, TeacherTraining = new TrainingOptions { Seed = 5 } }).Roles;
        var generations = roles.Where(r => r.Title?.StartsWith("Born-again", StringComparison.Ordinal) == true).ToList();
        Assert.Equal(["generation-1", "generation-2", "generation-3", "generations"], generations.Select(r => r.Folder));
        Assert.Equal(["teacher", "generation-1", "generation-2"], generations.Take(3).Select(r => r.TeacherFolder));
        Assert.Equal([6, 7, 8], generations.Take(3).Select(r => r.Training.Seed));
        Assert.Equal(["generation-1", "generation-2", "generation-3"], generations[3].Members);
    }

    [Theory]
    [InlineData("Born-again networks need from 1 to 20 generations (--generations), not 0.", "--generations", "0")]
    [InlineData("Born-again generations grow from one teacher, so they cannot be combined with --teachers or --chain.", "--generations", "2", "--chain", "mlp:16,mlp:8")]
    public void A_bad_number_of_generations_is_refused_in_one_sentence_before_any_work(string message, params string[] flags)
    {
        var run = _folder.File("run");

        var result = InProcessCli.Run(["compare", "--data-dir", _data, "--validation", "50", "--out", run, .. flags]);

        AssertOneSentence(result, message);
        Assert.False(Directory.Exists(run));
    }

    [Fact]
    public void Zero_generations_in_an_experiment_file_names_the_key()
    {
        var file = _folder.File("zero.json");
        File.WriteAllText(file, $$"""{ "name": "zero", "data": {{JsonValue.Create(_data).ToJsonString()}}, "generations": 0 }""");

        var result = InProcessCli.Run("run", file, "--out", _folder.File("run"));

        AssertOneSentence(result, "Born-again networks need from 1 to 20 generations (--generations), not 0 (key 'generations' in");
    }

    private static List<JsonNode> Models(string run) =>
        RunRecords.ModelNodes(run);

    private static string Label(JsonNode model) => model["role"]!.GetValue<string>() switch
    {
        "teacher" => "Teacher",
        "scratch" => "Student (scratch)",
        _ => "Student (distilled)",
    };
}
