using System.Text.Json;
using Distill.Tests.Support;
using static Distill.Tests.Support.Refusal;

namespace Distill.Tests.Reliability;

/// <summary>
/// Round 3 of the hostile-user cases on options: every option is checked before the first epoch
/// (and before a run folder is left behind), plan sizes count seeds, names stay names, and a value
/// outside a fixed list is refused with the list.
/// </summary>
public sealed class OptionChecksTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();
    private readonly string _data;

    public OptionChecksTests()
    {
        _data = Path.Combine(_folder.Path, "data");
        SyntheticIdx.WriteDataset(_data, trainCount: 300, testCount: 100);
    }

    public void Dispose() => _folder.Dispose();

    private string Experiment(string extra, string studentTraining = """{ "epochs": 1 }""")
    {
        var path = _folder.File("experiment.json");
        File.WriteAllText(path, $$"""
            {
              "dataDirectory": {{JsonSerializer.Serialize(_data)}},
              "validationCount": 50,
              "teacherSpec": "mlp:16",
              "studentSpec": "mlp:8",
              "teacherTraining": { "epochs": 1 },
              "studentTraining": {{studentTraining}}{{extra}}
            }
            """);
        return path;
    }

    [Fact]
    public void A_plan_of_150_seeds_by_100_points_is_refused_because_the_limit_counts_seeds()
    {
        var seeds = string.Join(", ", Enumerable.Range(1, 150));
        var values = string.Join(", ", Enumerable.Range(1, 100).Select(i => (i / 100.0).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var file = Experiment($$""", "seeds": [{{seeds}}], "sweep": { "parameters": { "distillation.softTargetWeight": [{{values}}] } }""");
        var run = _folder.File("run");

        AssertOneSentence(InProcessCli.Run("run", file, "--out", run), "100 points x 150 seeds = 15,000 student runs");

        Assert.False(Directory.Exists(run));
    }

    [Theory]
    [InlineData("../../../x")]
    [InlineData("a/b")]
    [InlineData("..")]
    public void An_experiment_name_that_is_a_path_is_refused_and_nothing_is_written(string name)
    {
        // Deep enough that '../../../x' from runs/ still lands inside this test's folder on today's code.
        var working = Path.Combine(_folder.Path, "a", "b", "c", "work");
        Directory.CreateDirectory(working);
        var file = Experiment($$""", "name": {{JsonSerializer.Serialize(name)}}""");

        var (code, errors) = CliProcess.RunIn(working, null, "run", file);

        Assert.True(code == 1, errors);
        Assert.Contains("must be a file name, not a path", errors);
        Assert.DoesNotContain("   at ", errors);
        Assert.Empty(Directory.EnumerateFileSystemEntries(working));
        Assert.Equal(["work"], Directory.EnumerateFileSystemEntries(Path.Combine(_folder.Path, "a", "b", "c")).Select(Path.GetFileName));
        Assert.Equal(["c"], Directory.EnumerateFileSystemEntries(Path.Combine(_folder.Path, "a", "b")).Select(Path.GetFileName));
    }

    [Fact]
    public void A_student_batch_size_too_large_for_memory_is_refused_before_the_teacher_trains()
    {
        var file = Experiment("", studentTraining: """{ "epochs": 1, "batchSize": 100000000 }""");
        var run = _folder.File("run");

        var refused = InProcessCli.Run("run", file, "--out", run);

        AssertOneSentence(refused, "batches of 100000000");
        Assert.DoesNotContain("Training teacher", refused.Errors);
        Assert.False(Directory.Exists(run), "the refused experiment left its folder");
    }

    [Theory]
    [InlineData("export", "--format", "tflite", "'onnx'")]
    [InlineData("prune", "--scope", "bogus", "'global', 'layer'")]
    public void A_value_outside_a_fixed_list_is_refused_with_the_list(string command, string flag, string value, string list)
    {
        string[] args = command == "export" ? [command, _folder.Path, flag, value, "-o", _folder.File("x.onnx")] : [command, _folder.Path, flag, value];

        var result = InProcessCli.Run(args);

        AssertOneSentence(result, list);
        Assert.Contains(flag, result.Errors);
        Assert.DoesNotContain("one of:.", result.Errors);
    }
}
