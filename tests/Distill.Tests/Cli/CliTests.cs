using System.Text.Json;
using Distill.Tests.Support;

namespace Distill.Tests.Cli;

public sealed class CliTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();
    private readonly string _data;

    public CliTests()
    {
        _data = Path.Combine(_folder.Path, "data");
        SyntheticIdx.WriteDataset(_data, trainCount: 500, testCount: 200);
    }

    public void Dispose() => _folder.Dispose();

    private static (int Code, string Output, string Errors) Run(params string[] args) => InProcessCli.Run(args);

    /// <summary>A small compare run; <paramref name="overrides"/> are flag/value pairs that replace or add to the defaults.</summary>
    private string[] Compare(string outFolder, params string[] overrides)
    {
        var flags = new Dictionary<string, string>
        {
            ["--data-dir"] = _data, ["--validation"] = "100", ["--out"] = outFolder,
            ["--teacher-spec"] = "mlp:64", ["--student-spec"] = "mlp:8", ["--teacher-epochs"] = "2", ["--student-epochs"] = "2",
            ["--teacher-batch-size"] = "32", ["--student-batch-size"] = "32",
        };
        var switches = new List<string>();
        for (var i = 0; i < overrides.Length; i++)
        {
            if (i + 1 < overrides.Length && !overrides[i + 1].StartsWith("--", StringComparison.Ordinal)) flags[overrides[i]] = overrides[++i];
            else switches.Add(overrides[i]);
        }
        return ["compare", .. flags.SelectMany(kv => new[] { kv.Key, kv.Value }), .. switches];
    }

    [Fact]
    public void Compare_runs_the_whole_study_and_writes_the_run_folder()
    {
        var run = _folder.File("run");

        var (code, output, errors) = Run(Compare(run));

        Assert.True(code == 0, errors);
        Assert.Contains("Teacher", output);
        Assert.Contains("Student (scratch)", output);
        Assert.Contains("Student (distilled)", output);
        Assert.Contains("teacher   epoch 2/2", errors);
        foreach (var file in new[] { "config.json", "results.json", "metrics.jsonl", "summary.md", "accuracy.png", "loss.png", "kd-loss-terms.png", "teacher/best.bin", "distilled/last.json" })
            Assert.True(File.Exists(Path.Combine(run, file)), $"{file} is missing");
        Assert.Equal(6, File.ReadAllLines(Path.Combine(run, "metrics.jsonl")).Length);
        Assert.Contains("| Student (distilled) |", File.ReadAllText(Path.Combine(run, "summary.md")));
    }

    [Fact]
    public void Json_output_is_machine_readable_and_progress_stays_on_standard_error()
    {
        var (code, output, errors) = Run(Compare(_folder.File("run"), "--json"));

        Assert.True(code == 0, errors);
        using var document = JsonDocument.Parse(output);
        var root = document.RootElement;
        var run = Assert.Single(root.GetProperty("runs").EnumerateArray());
        Assert.Equal("teacher", root.GetProperty("teacher").GetProperty("role").GetString());
        Assert.Equal("scratch", run.GetProperty("scratch").GetProperty("role").GetString());
        Assert.Equal("distilled", run.GetProperty("distilled").GetProperty("role").GetString());
        Assert.Empty(run.GetProperty("others").EnumerateArray());
        Assert.InRange(root.GetProperty("teacher").GetProperty("testAccuracy").GetDouble(), 0.8, 1.0);
    }

    [Fact]
    public void Train_then_distill_from_the_saved_teacher_then_eval()
    {
        var teacherRun = _folder.File("teacher");
        var (code, _, errors) = Run("train", "--model", "mlp:64", "--data-dir", _data, "--validation", "100", "--epochs", "2", "--out", teacherRun);
        Assert.True(code == 0, errors);
        var teacher = Path.Combine(teacherRun, "teacher", "best.bin");

        // --wide: the assertions read the Hyperparameters column, which a table fitted to 80 columns leaves out.
        (code, var output, errors) = Run("distill", "--teacher", teacher, "--student-spec", "mlp:8", "--data-dir", _data, "--validation", "100",
            "--epochs", "2", "-T", "3", "--out", _folder.File("student"), "--wide");
        Assert.True(code == 0, errors);
        Assert.Contains("T=3", output);

        (code, output, errors) = Run("eval", Path.Combine(_folder.File("student"), "distilled", "best.bin"), "--data-dir", _data, "--json");
        Assert.True(code == 0, errors);
        using var document = JsonDocument.Parse(output);
        Assert.Equal(200, document.RootElement.GetProperty("count").GetInt64());
    }

    [Fact]
    public void An_existing_run_folder_is_never_overwritten_without_force()
    {
        var run = _folder.File("precious");
        Directory.CreateDirectory(run);
        File.WriteAllText(Path.Combine(run, "results.json"), "earlier results");

        var (code, _, errors) = Run(Compare(run));

        Assert.Equal(1, code);
        Assert.Contains("already exists", errors);
        Assert.Equal("earlier results", File.ReadAllText(Path.Combine(run, "results.json")));
    }

    [Theory]
    [InlineData("--temperature", "0", "temperature must be a number above 0 and at most 1000")]
    [InlineData("--soft-weight", "-1", "The weight 'softTargetWeight' must be")]
    [InlineData("--temperature-warmup", "-1", "temperatureWarmupEpochs")]
    [InlineData("--student-epochs", "0", "number of epochs must be positive")]
    [InlineData("--student-spec", "mlp:abc", "positive layer width")]
    public void Bad_hyperparameters_get_one_sentence_and_exit_code_1_before_any_work(string flag, string value, string message)
    {
        var run = _folder.File("run");

        var (code, _, errors) = Run(Compare(run, flag, value));

        Assert.Equal(1, code);
        Assert.Contains(message, errors);
        Assert.DoesNotContain("   at ", errors);
        Assert.False(Directory.Exists(run));
    }

    [Fact]
    public void A_missing_data_folder_is_one_clear_sentence()
    {
        var (code, _, errors) = Run("compare", "--data-dir", _folder.File("nowhere"), "--out", _folder.File("run"));

        Assert.Equal(1, code);
        Assert.Contains("does not exist", errors);
        Assert.Single(errors.Trim().Split('\n'));
    }

    [Fact]
    public void A_corrupt_teacher_file_is_rejected_with_its_name()
    {
        var teacherRun = _folder.File("teacher");
        Assert.Equal(0, Run("train", "--model", "mlp:16", "--data-dir", _data, "--validation", "100", "--epochs", "1", "--out", teacherRun).Code);
        var teacher = Path.Combine(teacherRun, "teacher", "best.bin");
        var bytes = File.ReadAllBytes(teacher);
        File.WriteAllBytes(teacher, bytes[..(bytes.Length / 3)]);

        var (code, _, errors) = Run("distill", "--teacher", teacher, "--student-spec", "mlp:8", "--data-dir", _data, "--validation", "100", "--out", _folder.File("s"));

        Assert.Equal(1, code);
        Assert.Contains("does not hold valid weights", errors);
    }

    [Fact]
    public void Data_fetch_from_a_folder_with_wrong_files_fails_the_checksum()
    {
        var (code, _, errors) = Run("data", "fetch", "mnist", "--from", _data, "--cache", _folder.File("cache"));

        Assert.Equal(1, code);
        Assert.Contains("SHA-256", errors);
    }
}
