using System.Text.Json;
using System.Text.Json.Nodes;
using Distill.Experiments;
using Distill.Models;
using Distill.Runs;
using Distill.Tests.Support;
using static TorchSharp.torch;
using static Distill.Tests.Support.Refusal;

namespace Distill.Tests.Reliability;

/// <summary>
/// Hostile or mistaken inputs found after the first reliability pass (issue 9): each ends in one
/// sentence on standard error and exit code 1, a warning, or the right result, and never in a
/// hang, a kernel kill, an overflow or an "Unexpected failure".
/// </summary>
public sealed class HostileInputTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();
    private readonly string _data;

    public HostileInputTests()
    {
        _data = Path.Combine(_folder.Path, "data");
        SyntheticIdx.WriteDataset(_data, trainCount: 300, testCount: 100);
    }

    public void Dispose() => _folder.Dispose();

    private string[] Train(string run, params string[] extra) =>
        ["train", "-m", "mlp:8", "--data-dir", _data, "--validation", "50", "--epochs", "1", "--out", run, .. extra];

    private string[] Compare(string run, params string[] extra) =>
        ["compare", "--data-dir", _data, "--validation", "50", "--out", run, "--teacher-spec", "mlp:16", "--student-spec", "mlp:8",
            "--teacher-epochs", "1", "--student-epochs", "1", .. extra];

    private string WriteExperiment(string body)
    {
        var path = _folder.File("experiment.json");
        File.WriteAllText(path, body);
        return path;
    }

    [Fact]
    public void A_key_stated_twice_in_an_experiment_file_is_refused_naming_the_key_and_its_line()
    {
        var file = WriteExperiment("{\n  \"name\": \"a\",\n  \"name\": \"b\"\n}\n");

        var (code, _, errors) = InProcessCli.Run("run", file, "--out", _folder.File("run"));

        AssertOneSentence(code, errors, "The key 'name' appears twice");
        Assert.Contains("(line 3)", errors);
    }

    [Fact]
    public void A_sweep_of_a_billion_random_samples_or_a_huge_grid_is_refused_naming_the_limit()
    {
        var random = WriteExperiment($$"""
            { "dataDirectory": {{JsonSerializer.Serialize(_data)}}, "validationCount": 50,
              "sweep": { "mode": "random", "samples": 1000000000, "parameters": { "distillation.temperature": { "min": 1, "max": 20 } } } }
            """);
        var (code, errors) = CliProcess.Run("run", random, "--out", _folder.File("random"));
        AssertOneSentence(code, errors, "at most 10,000 points");

        var values = JsonSerializer.Serialize(Enumerable.Range(1, 10).ToArray());
        var grid = WriteExperiment($$"""
            { "dataDirectory": {{JsonSerializer.Serialize(_data)}}, "validationCount": 50,
              "sweep": { "parameters": { "distillation.temperature": {{values}}, "distillation.softTargetWeight": {{values}},
                "distillation.hardLabelWeight": {{values}}, "studentTraining.epochs": {{values}}, "studentTraining.batchSize": {{values}} } } }
            """);
        (code, errors) = CliProcess.Run("run", grid, "--out", _folder.File("grid"));
        AssertOneSentence(code, errors, "100,000 points, more than the 10,000");
    }

    [Theory]
    [InlineData("--temperature", "1e300", "temperature must be a number above 0 and at most 1000, not 1E+300")]
    [InlineData("--temperature", "1001", "temperature must be a number above 0 and at most 1000, not 1001")]
    [InlineData("--soft-weight", "1e300", "The weight 'softTargetWeight' must be a number from 0 to 1000000, not 1E+300")]
    [InlineData("--hard-weight", "2e6", "The weight 'hardLabelWeight' must be a number from 0 to 1000000, not 2000000")]
    public void A_temperature_or_loss_weight_beyond_its_range_is_refused_before_any_work(string flag, string value, string message)
    {
        var run = _folder.File("run");

        var (code, _, errors) = InProcessCli.Run(Compare(run, flag, value));

        AssertOneSentence(code, errors, message);
        Assert.False(Directory.Exists(run));
    }

    [Fact]
    public void A_jitter_as_large_as_the_images_is_refused_and_leaves_no_folder()
    {
        var run = _folder.File("run");

        var (code, _, errors) = InProcessCli.Run(Train(run, "--jitter", "1000"));

        AssertOneSentence(code, errors, "jitter of 1000 pixels is not smaller than the 12x12 images; use at most 11");
        Assert.False(Directory.Exists(run));
    }

    [Fact]
    public void A_pipe_given_as_an_idx_file_is_refused_instead_of_waiting_forever()
    {
        if (!OperatingSystem.IsLinux()) return;
        var data = _folder.File("fifo-data");
        SyntheticIdx.WriteDataset(data, trainCount: 300, testCount: 100);
        var images = Path.Combine(data, Distill.Data.DatasetInfo.TrainImages);
        File.Delete(images);
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", images)) mkfifo.WaitForExit();

        var (code, errors) = CliProcess.Run("train", "-m", "mlp:8", "--data-dir", data, "--validation", "50", "--out", _folder.File("run"));

        AssertOneSentence(code, errors, "is not a regular file");
    }

    [Fact]
    public void A_teacher_trained_on_another_data_set_distils_with_a_warning()
    {
        manual_seed(1);
        using var model = ModelBuilder.Build(ModelSpec.Parse("mlp:16"), [1, 12, 12], 10);
        var teacher = _folder.File("teacher.bin");
        ModelStore.Save(model, new ModelCard("mlp:16", [1, 12, 12], 10, ModelBuilder.CountParameters(model), "fashion-mnist", "teacher"), teacher);

        var (code, _, errors) = InProcessCli.Run("distill", "--teacher", teacher, "-s", "mlp:8", "--data-dir", _data, "--validation", "50",
            "--epochs", "1", "--out", _folder.File("run"));

        Assert.True(code == 0, errors);
        Assert.Contains("Warning: the teacher", errors);
        Assert.Contains("was trained on fashion-mnist, not on mnist", errors);
    }

    [Fact]
    public void Report_refuses_hand_edited_results_naming_the_field()
    {
        var run = _folder.File("run");
        Assert.Equal(0, InProcessCli.Run(Compare(run)).Code);
        var results = Path.Combine(run, "results.json");
        var original = File.ReadAllText(results);

        var edited = JsonNode.Parse(original)!;
        edited["teacher"]!["parameters"] = -5;
        File.WriteAllText(results, edited.ToJsonString());
        var (code, _, errors) = InProcessCli.Run("report", run);
        AssertOneSentence(code, errors, "teacher.parameters = -5");

        edited = JsonNode.Parse(original)!;
        edited["runs"]![0]!["distilled"]!["testAccuracy"] = 1e308;
        File.WriteAllText(results, edited.ToJsonString());
        (code, _, errors) = InProcessCli.Run("report", run);
        AssertOneSentence(code, errors, "runs[0].distilled.testAccuracy = 1E+308; an accuracy lies between 0 and 1");
    }

    [Fact]
    public void A_copied_run_folder_names_its_own_weights_after_resume()
    {
        var source = _folder.File("source");
        Assert.Equal(0, InProcessCli.Run(Compare(source)).Code);
        var copy = _folder.File("copy");
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(copy, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        var (code, _, errors) = InProcessCli.Run("compare", "--resume", copy);

        Assert.True(code == 0, errors);
        var text = File.ReadAllText(Path.Combine(copy, "results.json"));
        Assert.DoesNotContain(source, text);
        var results = Json.Read<ExperimentResult>(Path.Combine(copy, ExperimentResult.ResultsFileName), "results");
        Assert.Equal(3, results.Models.Count);
        foreach (var model in results.Models)
        {
            var stored = model.WeightsPath;
            Assert.False(Path.IsPathRooted(stored), stored);
            Assert.True(File.Exists(Path.Combine(copy, stored)), stored);
        }
        Assert.Equal(0, InProcessCli.Run("report", copy).Code);
    }

    [Fact]
    public void A_weights_file_with_one_flipped_byte_is_refused()
    {
        var run = _folder.File("run");
        Assert.Equal(0, InProcessCli.Run(Train(run)).Code);
        var weights = Path.Combine(run, "teacher", "best.bin");
        var bytes = File.ReadAllBytes(weights);
        bytes[bytes.Length / 2] ^= 0x01;
        File.WriteAllBytes(weights, bytes);

        var (code, _, errors) = InProcessCli.Run("eval", weights, "--data-dir", _data);

        AssertOneSentence(code, errors, "checksum does not match its contents, so it does not hold valid weights");
    }

    [Fact]
    public void A_weights_file_written_before_checksums_still_loads()
    {
        manual_seed(1);
        using var model = ModelBuilder.Build(ModelSpec.Parse("mlp:16"), [1, 12, 12], 10);
        var path = _folder.File("old.bin");
        ModelStore.Save(model, new ModelCard("mlp:16", [1, 12, 12], 10, ModelBuilder.CountParameters(model), "mnist", "teacher"), path);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^Distill.Runs.WeightsChecksum.Length]);

        var (loaded, _) = ModelStore.Load(path);

        using (loaded) Assert.All(model.parameters().Zip(loaded.parameters()), pair => Assert.True(pair.First.allclose(pair.Second, rtol: 0, atol: 0)));
    }

    [Fact]
    public void A_negative_layer_width_is_named_as_written()
    {
        var error = Assert.Throws<DistillException>(() => ModelSpec.Parse("mlp:-5"));

        Assert.Contains("has '-5' where a positive layer width belongs", error.Message);
    }

    [Fact]
    public void A_model_too_large_for_the_memory_is_refused_with_the_estimate()
    {
        var huge = ModelSpec.Parse("mlp:40000-40000");
        var error = Assert.Throws<DistillException>(() => MemoryBudget.Check(huge, [1, 28, 28], 10, 128, availableBytes: 16.0 * (1L << 30)));
        Assert.Contains("needs about 24.", error.Message);
        Assert.Contains("more than the 16.0 GiB of memory available here", error.Message);
        MemoryBudget.Check(ModelSpec.Parse("mlp:64-16"), [1, 28, 28], 10, 128, availableBytes: 1L << 30);

        // Through the command line, when this machine indeed lacks the memory (a kernel kill before the fix).
        const string spec = "mlp:46000-46000";
        if (MemoryBudget.Estimate(ModelSpec.Parse(spec), [1, 12, 12], 10, 128) <= MemoryBudget.AvailableBytes()) return;
        var (code, errors) = CliProcess.Run("train", "-m", spec, "--data-dir", _data, "--validation", "50", "--out", _folder.File("run"));
        AssertOneSentence(code, errors, $"Model spec '{spec}' needs about");
    }
}
