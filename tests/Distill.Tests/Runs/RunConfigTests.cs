using System.Text.Json.Nodes;
using Distill.Experiments;
using Distill.Methods;
using Distill.Runs;
using Distill.Studies;
using Distill.Tests.Support;
using static Distill.Tests.Support.Refusal;

namespace Distill.Tests.Runs;

/// <summary>
/// kd's temperature warm-up became 20 epochs by default; run folders written before then (their
/// config.json without the key) keep meaning 0 when resumed, repeated or read, while a user's file
/// without the key takes the new default.
/// </summary>
public sealed class RunConfigTests : IDisposable
{
    private const string UserFile = """{ "name": "old", "dataset": "mnist", "distillation": { "temperature": 4 } }""";

    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void A_run_folders_config_without_the_key_means_no_warm_up_and_a_users_file_takes_the_default()
    {
        var run = Directory.CreateDirectory(_folder.File("run")).FullName;
        File.WriteAllText(Path.Combine(run, RunFolder.MarkerFile), "");
        File.WriteAllText(Path.Combine(run, "config.json"), UserFile);
        File.WriteAllText(Path.Combine(run, "mine.json"), UserFile);
        File.WriteAllText(_folder.File("config.json"), UserFile);

        Assert.Equal(0, ExperimentFile.Load(Path.Combine(run, "config.json")).Study.Distillation.TemperatureWarmupEpochs);
        Assert.Equal(0, RunConfig.Read<StudyOptions>(Path.Combine(run, "config.json"), "run configuration").Distillation.TemperatureWarmupEpochs);
        Assert.Equal(20, ExperimentFile.Load(Path.Combine(run, "mine.json")).Study.Distillation.TemperatureWarmupEpochs);
        Assert.Equal(20, ExperimentFile.Load(_folder.File("config.json")).Study.Distillation.TemperatureWarmupEpochs);
        // Today's files state the key, so they read back as written wherever they lie.
        var today = ExperimentFile.Load(_folder.File("config.json")).ResolvedJson;
        Assert.Contains("\"temperatureWarmupEpochs\": 20", today);
        File.WriteAllText(Path.Combine(run, "config.json"), today);
        Assert.Equal(20, ExperimentFile.Load(Path.Combine(run, "config.json")).Study.Distillation.TemperatureWarmupEpochs);
    }

    [Fact]
    public void An_older_config_differs_from_todays_default_by_the_warm_up_alone_and_names_it()
    {
        var now = Json.Serialize(new StudyOptions());
        var node = JsonNode.Parse(now)!.AsObject();
        node["distillation"]!.AsObject().Remove("temperatureWarmupEpochs");
        var old = node.ToJsonString(Json.Options);

        Assert.Equal("distillation.temperatureWarmupEpochs is 0 there, 20 now", RunConfig.Difference(old, now));
        Assert.Null(RunConfig.Difference(old, Json.Serialize(new StudyOptions { Distillation = new DistillationOptions { TemperatureWarmupEpochs = 0 } })));
        Assert.Null(RunConfig.Difference(now, now));
        Assert.Equal("studentSpec is \"mlp:8\" there, \"mlp:9\" now",
            RunConfig.Difference(Json.Serialize(new StudyOptions { StudentSpec = "mlp:8" }), Json.Serialize(new StudyOptions { StudentSpec = "mlp:9" })));
    }

    [Fact]
    public void An_older_compare_run_resumes_at_the_warm_up_it_ran_with_and_a_changed_file_is_refused_naming_the_key()
    {
        var data = _folder.File("data");
        SyntheticIdx.WriteDataset(data, trainCount: 300, testCount: 100);
        var run = _folder.File("old-run");
        string[] compare = ["compare", "--data-dir", data, "--validation", "50", "--teacher-spec", "mlp:16", "--student-spec", "mlp:8",
            "--teacher-epochs", "1", "--student-epochs", "2", "--temperature-warmup", "0", "--out", run];
        Assert.Equal(0, InProcessCli.Run(compare).Code);
        // What a run of the earlier default left: no key in config.json, no flag in its saved command line.
        var config = Path.Combine(run, "config.json");
        var node = JsonNode.Parse(File.ReadAllText(config))!.AsObject();
        node["distillation"]!.AsObject().Remove("temperatureWarmupEpochs");
        File.WriteAllText(config, node.ToJsonString(Json.Options));
        var saved = Path.Combine(run, RepeatCommand.FileName);
        File.WriteAllText(saved, File.ReadAllText(saved).Replace("\"--temperature-warmup\",", "").Replace("\"0\",", ""));
        Assert.DoesNotContain("temperature-warmup", File.ReadAllText(saved));
        File.Delete(Path.Combine(run, "distilled", ModelRunner.OutcomeFile));

        var (code, _, errors) = InProcessCli.Run("compare", "--resume", run);

        Assert.True(code == 0, errors);
        var hyperparameters = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "distilled", ModelRunner.OutcomeFile)))!["hyperparameters"]!.GetValue<string>();
        Assert.EndsWith("T=4, hard=0.1, soft=0.9", hyperparameters);

        // A folder whose config.json states the fixed T while the saved command line gives no flag is refused, naming the key.
        node["distillation"]!["temperatureWarmupEpochs"] = 0;
        File.WriteAllText(config, node.ToJsonString(Json.Options));
        File.Delete(Path.Combine(run, "distilled", ModelRunner.OutcomeFile));
        (code, _, errors) = InProcessCli.Run("compare", "--resume", run);
        AssertOneSentence((code, "", errors), "was started with other options (distillation.temperatureWarmupEpochs is 0 there, 20 now)");
    }
}
