using Distill.Cli;
using Distill.Data;
using Distill.Runs;
using Distill.Tests.Support;
using Distill.Training;

namespace Distill.Tests.Cli;

/// <summary>
/// What a newcomer meets on the command line: suggestions for misspellings, one spelling of
/// option values, errors that name the flag, grouped help, run folders accepted as models.
/// </summary>
public sealed class UsabilityTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();
    private readonly string _data;

    public UsabilityTests()
    {
        _data = Path.Combine(_folder.Path, "data");
        SyntheticIdx.WriteDataset(_data, trainCount: 300, testCount: 100);
    }

    public void Dispose() => _folder.Dispose();

    private static (int Code, string Output, string Errors) Run(params string[] args) => InProcessCli.Run(args);

    [Theory]
    [InlineData(new[] { "compare", "--temprature", "3" }, "Unknown option '--temprature' for 'distill compare'; did you mean '--temperature'?")]
    [InlineData(new[] { "distill", "--studnet-spec", "mlp:8" }, "did you mean '--student-spec'?")]
    [InlineData(new[] { "compre" }, "Unknown command 'compre'; did you mean 'compare'?")]
    [InlineData(new[] { "quickstrat" }, "did you mean 'quickstart'?")]
    [InlineData(new[] { "compare", "--zzzzzzzz" }, "Unknown option '--zzzzzzzz' for 'distill compare'; 'distill compare --help' lists the options.")]
    public void A_misspelt_flag_or_command_gets_the_nearest_name(string[] args, string expected)
    {
        var (code, _, errors) = Run(args);

        Assert.Equal(CliApplication.UserError, code);
        Assert.Contains(expected, errors);
        Assert.Single(errors.Trim().Split('\n'));
    }

    [Theory]
    [InlineData("--alpha")]
    [InlineData("--alpha=0.5")]
    public void Alpha_is_refused_with_the_two_named_weights(string flag)
    {
        var (code, _, errors) = Run("compare", flag, "0.5");

        Assert.Equal(CliApplication.UserError, code);
        Assert.Contains("--hard-weight", errors);
        Assert.Contains("--soft-weight", errors);
    }

    [Theory]
    [InlineData("--teacher-epochs", "0", "The number of epochs must be positive, not 0 (--teacher-epochs).")]
    [InlineData("--student-batch-size", "0", "(--student-batch-size).")]
    [InlineData("--temperature", "0", "(--temperature).")]
    [InlineData("--student-nesterov", null, "Nesterov momentum needs the SGD optimizer and a momentum above 0 (--student-nesterov).")]
    public void A_refused_value_names_its_flag(string flag, string? value, string expected)
    {
        var run = _folder.File("run");
        string[] args = ["compare", "--data", _data, "--validation", "50", "--out", run, flag];

        var (code, _, errors) = Run(value is null ? args : [.. args, value]);

        Assert.Equal(CliApplication.UserError, code);
        Assert.Contains(expected, errors);
        Assert.False(Directory.Exists(run));
    }

    [Fact]
    public void Option_values_are_spelt_one_way_in_help_and_files_and_old_spellings_still_read()
    {
        var (_, help, _) = Run("train", "--help");

        Assert.Contains("<sgd|adam|adamw>", help);
        Assert.Contains("<float32|bfloat16>", help);
        Assert.Contains("<constant|step|cosine>", help);
        Assert.Contains("[default: adam]", help);
        Assert.DoesNotContain("AdamW", help);
        Assert.Contains("\"adamw\"", Json.Serialize(new OptimizerOptions { Kind = OptimizerKind.AdamW }));
        Assert.Equal(OptimizerKind.AdamW, System.Text.Json.JsonSerializer.Deserialize<OptimizerOptions>("""{ "kind": "adam-w" }""", Json.Options)!.Kind);
        Assert.Equal(Precision.Bfloat16, System.Text.Json.JsonSerializer.Deserialize<TrainingOptions>("""{ "precision": "BFloat16" }""", Json.Options)!.Precision);
    }

    [Fact]
    public void An_old_spelling_is_accepted_on_the_command_line()
    {
        var (code, _, errors) = Run("train", "-m", "mlp:8", "--data", _data, "--validation", "50", "--epochs", "1",
            "--optimizer", "AdamW", "--out", _folder.File("run"));

        Assert.True(code == 0, errors);
        Assert.Contains("AdamW lr=", File.ReadAllText(Path.Combine(_folder.File("run"), "results.json")));
    }

    [Fact]
    public void Compare_help_groups_its_options_with_distillation_first()
    {
        var (code, help, _) = Run("compare", "--help");

        Assert.Equal(0, code);
        var headings = new[] { "Distillation:", "Data:", "Teacher:", "Student:", "Output and runs:" };
        var positions = headings.Select(h => help.IndexOf("\n" + h, StringComparison.Ordinal)).ToList();
        Assert.All(positions, p => Assert.True(p > 0, help));
        Assert.Equal(positions.Order(), positions);
        Assert.InRange(help.IndexOf("--temperature", StringComparison.Ordinal), positions[0], positions[1]);
        Assert.InRange(help.IndexOf("--teacher-epochs", StringComparison.Ordinal), positions[2], positions[3]);
        Assert.InRange(help.IndexOf("--student-epochs", StringComparison.Ordinal), positions[3], positions[4]);
        Assert.True(help.IndexOf("--resume", StringComparison.Ordinal) > positions[4]);
    }

    [Fact]
    public void A_run_folder_is_taken_as_the_teacher_and_by_eval_and_a_wrong_path_lists_the_files_nearby()
    {
        var teacherRun = _folder.File("t1");
        Assert.Equal(0, Run("train", "-m", "mlp:16", "--data", _data, "--validation", "50", "--epochs", "1", "--out", teacherRun).Code);

        var (code, _, errors) = Run("distill", "--teacher", Path.Combine(teacherRun, "best.bin"), "--student-spec", "mlp:8",
            "--data", _data, "--validation", "50", "--out", _folder.File("never"));
        Assert.Equal(CliApplication.UserError, code);
        Assert.Contains("does not exist; model files nearby: ", errors);
        Assert.Contains(Path.Combine("t1", "teacher", "best.bin"), errors);
        Assert.False(Directory.Exists(_folder.File("never")));

        var student = _folder.File("s1");
        (code, _, errors) = Run("distill", "--teacher", teacherRun, "--student-spec", "mlp:8", "--data", _data, "--validation", "50",
            "--epochs", "1", "--out", student);
        Assert.True(code == 0, errors);
        Assert.Contains($"Teacher: {Path.Combine(teacherRun, "teacher", "best.bin")}", errors);

        (code, var output, errors) = Run("eval", student, "--data", _data, "--json");
        Assert.True(code == 0, errors);
        Assert.Contains(Path.Combine("distilled", "best.bin"), errors);
        Assert.Contains("\"accuracy\"", output);
    }

    [Fact]
    public void Teacher_flags_given_beside_a_loaded_teacher_are_said_to_be_ignored()
    {
        var teacherRun = _folder.File("t1");
        Assert.Equal(0, Run("train", "-m", "mlp:16", "--data", _data, "--validation", "50", "--epochs", "1", "--out", teacherRun).Code);

        var (code, _, errors) = Run("compare", "--teacher", teacherRun, "--teacher-spec", "mlp:999", "--teacher-epochs", "7",
            "--student-spec", "mlp:8", "--student-epochs", "1", "--data", _data, "--validation", "50", "--out", _folder.File("c1"));

        Assert.True(code == 0, errors);
        Assert.Contains("warning: --teacher-spec, --teacher-epochs are ignored: the teacher is loaded from", errors);
    }

    [Fact]
    public void Repeat_this_run_in_the_report_is_the_command_that_ran()
    {
        var run = _folder.File("it's run");
        var (code, _, errors) = Run("compare", "--data", _data, "--validation", "50", "--teacher-spec", "mlp:16", "--student-spec", "mlp:8",
            "--teacher-epochs", "1", "--student-epochs", "1", "-T", "3", "--out", run);
        Assert.True(code == 0, errors);

        var summary = File.ReadAllText(Path.Combine(run, "summary.md"));

        Assert.Contains($"distill compare --data {_data} --validation 50 --teacher-spec mlp:16 --student-spec mlp:8 --teacher-epochs 1 --student-epochs 1 -T 3 --out '{run.Replace("'", "'\\''")}'", summary);
        Assert.DoesNotContain("its flags are in config.json", summary);
    }

    [Fact]
    public void An_idx_folder_of_a_known_set_is_recognised_by_its_test_labels()
    {
        var labels = File.ReadAllBytes(Path.Combine(_data, DatasetInfo.TestLabels));
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(labels));
        var known = DatasetInfo.FashionMnist with { Sha256ByFile = new Dictionary<string, string> { [DatasetInfo.TestLabels] = hash } };

        Assert.Same(known, DatasetInfo.Identify(_data, [DatasetInfo.Mnist, known]));
        Assert.Null(DatasetInfo.Identify(_data, [DatasetInfo.Mnist]));
        Assert.Null(DatasetInfo.Identify(_folder.File("nowhere")));
    }

    [Theory]
    [InlineData("abc", "abc", 0)]
    [InlineData("--temprature", "--temperature", 1)]
    [InlineData("ab", "ba", 1)]
    [InlineData("kitten", "sitting", 3)]
    public void Edit_distance_counts_a_swap_as_one(string a, string b, int expected)
    {
        Assert.Equal(expected, Suggestions.Distance(a, b));
    }
}
