using System.Text.Json;
using System.Text.Json.Nodes;
using Distill.Tests.Support;
using static Distill.Tests.Support.RunRecords;

namespace Distill.Tests.Deployment;

/// <summary>
/// prune and deploy fine-tune their pruned students as roles of the one study pipeline: each gets the
/// folder, card, outcome.json, metrics, results and report every role gets; a prune killed mid-fine-tune
/// resumes to the weights of an uninterrupted one; and the fine-tune still wins back what pruning took.
/// </summary>
public sealed class PruneFineTuneTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();
    private readonly string _data;

    public PruneFineTuneTests()
    {
        _data = Path.Combine(_folder.Path, "data");
        SyntheticIdx.WriteDataset(_data, trainCount: 500, testCount: 200);
    }

    public void Dispose() => _folder.Dispose();

    private string FinishedRun(int studentEpochs = 2)
    {
        var run = _folder.File("run");
        var (code, _, errors) = InProcessCli.Run("compare", "--data-dir", _data, "--validation", "100", "--out", run,
            "--teacher-spec", "mlp:64", "--student-spec", "mlp:32-16", "--teacher-epochs", "4", "--student-epochs", studentEpochs.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--teacher-batch-size", "32", "--student-batch-size", "32");
        Assert.True(code == 0, errors);
        return run;
    }

    private static string[] Prune(string run, params string[] more) =>
        ["prune", run, "--sparsity", "0.5", "0.8", "--epochs", "3", "--seconds", "0", "--threads", "1", .. more];

    private static bool IsEpochLine(string line) => line.Contains(" epoch ", StringComparison.Ordinal);

    [Fact]
    public void A_prune_killed_inside_a_fine_tune_resumes_to_the_weights_metrics_and_curve_of_an_uninterrupted_one()
    {
        var reference = FinishedRun();
        var killed = _folder.File("killed");
        CopyFolder(reference, killed);
        var (code, _, errors) = InProcessCli.Run(Prune(reference));
        Assert.True(code == 0, errors);

        // Five epoch lines: sparsity-50 finished, sparsity-80 two epochs in.
        Assert.True(CliProcess.KillAfter(5, IsEpochLine, TimeSpan.FromMilliseconds(10), Prune(killed)), "the prune finished before it could be killed");
        Assert.False(File.Exists(Path.Combine(killed, "prune", "curve.json")), "a killed prune must not have finished");
        Assert.True(File.Exists(Path.Combine(killed, "prune", "sparsity-50", "outcome.json")));
        Assert.False(File.Exists(Path.Combine(killed, "prune", "sparsity-80", "outcome.json")));

        (code, errors) = CliProcess.Run(Prune(killed, "--resume"));

        Assert.True(code == 0, errors);
        Assert.Contains("Reusing sparsity-50", errors);
        Assert.Contains("from checkpoint", errors);
        foreach (var model in new[] { "sparsity-50", "sparsity-80" })
        foreach (var file in new[] { "best.bin", "last.bin" })
            Assert.True(File.ReadAllBytes(Path.Combine(reference, "prune", model, file)).SequenceEqual(File.ReadAllBytes(Path.Combine(killed, "prune", model, file))),
                $"{model}/{file} differs after the kill");
        Assert.Equal(Metrics(Path.Combine(reference, "prune")), Metrics(Path.Combine(killed, "prune")));
        Assert.Equal(Accuracies(Path.Combine(reference, "prune")), Accuracies(Path.Combine(killed, "prune")));
        Assert.Equal(CurveAccuracies(reference), CurveAccuracies(killed));

        // Resumed with other options, the folder is refused rather than mixed.
        (code, _, errors) = InProcessCli.Run(Prune(killed, "--resume", "--fine-tune", "labels"));
        Assert.Equal(1, code);
        Assert.Contains("was started with other options", errors);
    }

    [Fact]
    public void Each_fine_tuned_model_is_a_pipeline_role_with_its_card_outcome_metrics_results_and_report()
    {
        var run = FinishedRun();

        var (code, _, errors) = InProcessCli.Run(Prune(run, "--channels", "0.5"));

        Assert.True(code == 0, errors);
        var prune = Path.Combine(run, "prune");
        foreach (var file in new[] { "config.json", "metrics.jsonl", "results.json", "report.html", "curve.json", "curve.md", "teacher/test-predictions.bin" })
            Assert.True(File.Exists(Path.Combine(prune, file)), $"{file} is missing");
        foreach (var (model, spec) in new[] { ("sparsity-50", "mlp:32-16"), ("sparsity-80", "mlp:32-16"), ("channels-50", "mlp:16-8") })
        {
            var outcome = JsonNode.Parse(File.ReadAllText(Path.Combine(prune, model, "outcome.json")))!;
            Assert.Equal("pruned", outcome["role"]!.GetValue<string>());
            Assert.Equal(spec, outcome["spec"]!.GetValue<string>());
            Assert.Equal(3, outcome["epochsRun"]!.GetValue<int>());
            // The run's method and options, after how the model was pruned.
            Assert.EndsWith("T=4, hard=0.1, soft=0.9, T warm-up 20 ep", outcome["hyperparameters"]!.GetValue<string>());
            var card = JsonNode.Parse(File.ReadAllText(Path.Combine(prune, model, "best.json")))!;
            Assert.Equal(model, card["role"]!.GetValue<string>());
            Assert.Equal(spec, card["spec"]!.GetValue<string>());
            Assert.True(File.Exists(Path.Combine(prune, model, "training-state.bin")), $"{model} has no training state to resume from");
        }
        // Every fine-tune epoch is in the prune folder's metrics; the results name the run's teacher and the three pruned students.
        Assert.Equal(9, Metrics(prune).Count);
        var titles = ModelNodes(prune).Select(m => m["title"]?.GetValue<string>() ?? m["role"]!.GetValue<string>()).ToList();
        Assert.Equal(["teacher", "Pruned student (sparsity-50)", "Pruned student (sparsity-80)", "Pruned student (channels-50)"], titles);
        Assert.Contains("Pruned student (channels-50)", File.ReadAllText(Path.Combine(prune, "report.html")));

        // A fine-tuned model reads back like any run's model.
        (code, var output, errors) = InProcessCli.Run("eval", Path.Combine(prune, "sparsity-80", "best.bin"), "--data-dir", _data);
        Assert.True(code == 0, errors);
        Assert.Contains("accuracy", output, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Fine_tuning_from_the_teacher_or_the_labels_wins_back_the_accuracy_that_pruning_took()
    {
        // A student trained long enough to have accuracy to lose (about 90 % on this data).
        var run = FinishedRun(studentEpochs: 6);
        double Pruned(string epochs, string source)
        {
            var (code, _, errors) = InProcessCli.Run("prune", run, "--sparsity", "0.95", "--epochs", epochs, "--fine-tune", source, "--seconds", "0", "--threads", "1");
            Assert.True(code == 0, errors);
            return CurveAccuracies(run)[1];
        }

        var untrained = Pruned("0", "teacher");
        var student = CurveAccuracies(run)[0];
        Assert.True(untrained < student - 0.3, $"pruning 95 % of the weights left {untrained:P1} of the student's {student:P1}");
        foreach (var source in new[] { "teacher", "labels" })
        {
            var fineTuned = Pruned("4", source);
            // 0.15 is 30 of the 200 test rows.
            Assert.True(fineTuned > untrained + 0.15, $"fine-tuning on the {source} reached {fineTuned:P1} from {untrained:P1} (student {student:P1})");
        }
    }

    [Theory]
    [InlineData("prune")]
    [InlineData("deploy")]
    public void Resume_without_an_earlier_run_of_the_command_is_refused_in_one_sentence(string command)
    {
        var empty = _folder.File("empty");
        Directory.CreateDirectory(empty);

        var (code, _, errors) = InProcessCli.Run(command, empty, "--resume");

        Assert.Equal(1, code);
        Assert.Contains($"holds no earlier {command} to resume; run {command} without --resume.", errors);
        Assert.Single(errors.Trim().Split('\n'));
    }

    /// <summary>Each row's test accuracy in prune/curve.json, in order (the student first).</summary>
    private static List<double> CurveAccuracies(string run)
    {
        using var curve = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "prune", "curve.json")));
        return [.. curve.RootElement.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("testAccuracy").GetDouble())];
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var directory in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(directory.Replace(from, to, StringComparison.Ordinal));
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, file.Replace(from, to, StringComparison.Ordinal));
    }
}
