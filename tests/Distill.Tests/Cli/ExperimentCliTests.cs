using System.Text.Json;
using System.Text.RegularExpressions;
using Distill.Tests.Support;

namespace Distill.Tests.Cli;

public sealed class ExperimentCliTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();
    private readonly string _data;

    public ExperimentCliTests()
    {
        _data = Path.Combine(_folder.Path, "data");
        SyntheticIdx.WriteDataset(_data, trainCount: 400, testCount: 200);
    }

    public void Dispose() => _folder.Dispose();

    private static (int Code, string Output, string Errors) Run(params string[] args) => InProcessCli.Run(args);

    /// <summary>A tiny experiment on the synthetic data; <paramref name="extra"/> adds top-level keys.</summary>
    private string WriteExperiment(string extra = "")
    {
        var path = _folder.File("experiment.json");
        File.WriteAllText(path, $$"""
            {
              "name": "tiny",
              "dataDirectory": {{JsonSerializer.Serialize(_data)}},
              "validationCount": 100,
              "teacherSpec": "mlp:64",
              "studentSpec": "mlp:8",
              "teacherTraining": { "epochs": 2, "batchSize": 32 },
              "studentTraining": { "epochs": 2, "batchSize": 32 }{{extra}}
            }
            """);
        return path;
    }

    private const string Sweep2x2 = """
        , "seeds": [1, 2],
          "sweep": { "parameters": { "distillation.temperature": [2, 6], "distillation.softTargetWeight": [0.5, 0.9] }, "complementaryHardWeight": true }
        """;

    [Fact]
    public void A_2x2_sweep_over_two_seeds_writes_the_table_the_heatmap_the_best_point_and_the_report()
    {
        var run = _folder.File("sweep");

        var (code, output, errors) = Run("run", WriteExperiment(Sweep2x2), "--out", run);

        Assert.True(code == 0, errors);
        Assert.Contains("Sweep", output);
        Assert.Contains("±", output);
        Assert.Matches(new Regex(@"Best point \(by validation accuracy\): p[1-4]"), output);
        foreach (var file in new[] { "config.json", "experiment.json", "sweep.json", "sweep.md", "best.json", "heatmap.png", "confusion.png",
                     "accuracy.png", "loss.png", "kd-loss-terms.png", "summary.md", "report.html", "teacher/best.bin",
                     "seed-1/scratch/best.bin", "seed-2/points/p4/distilled/best.bin", "kd-objective.png", "kd-loss-terms-unweighted.png",
                     "learning-rate.png", "reliability.png", "per-class.png", "teacher/test-predictions.bin",
                     "seed-2/points/p4/distilled/test-predictions.bin", "seed-1/scratch/test-predictions.bin",
                     "seed-1/points/p1/accuracy.png", "seed-2/points/p3/kd-loss-terms.png", "seed-2/points/p4/comparison-gallery.png" })
            Assert.True(File.Exists(Path.Combine(run, file)), $"{file} is missing");
        // One teacher for the whole sweep, one scratch student per seed.
        Assert.Single(Directory.GetDirectories(run, "teacher", SearchOption.AllDirectories));
        Assert.Equal(2, Directory.GetDirectories(run, "scratch", SearchOption.AllDirectories).Length);

        using var sweep = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "sweep.json")));
        var points = sweep.RootElement.GetProperty("points");
        Assert.Equal(4, points.GetArrayLength());
        Assert.All(points.EnumerateArray(), p => Assert.Equal(2, p.GetProperty("testAccuracy").GetProperty("count").GetInt32()));
        var best = sweep.RootElement.GetProperty("best");
        var command = best.GetProperty("command").GetString()!;
        Assert.Contains("--set sweep=null --set distillation.temperature=", command);
        Assert.Contains("--set distillation.hardLabelWeight=", command);
        Assert.Contains("| p4 | 6 | 0.9 | 0.1 |", File.ReadAllText(Path.Combine(run, "sweep.md")));

        var html = File.ReadAllText(Path.Combine(run, "report.html"));
        Assert.True(Regex.Matches(html, "src=\"data:image/png;base64,iVBORw0KGgo").Count >= 10, "the report embeds fewer figures than it draws");
        Assert.DoesNotContain("src=\"http", html);
        Assert.Contains("Student (distilled)", html);
        foreach (var section in new[] { "Student against teacher", "Agreement with the teacher", "Calibration", "Per-class accuracy", "Learning rate",
                     "Distillation loss terms", "Curves of every sweep point", "Precision, recall and F1", "Test images: teacher, scratch and distilled" })
            Assert.Contains($">{section}</h2>", html);
        // Every point's curves are linked, by paths relative to the report.
        foreach (var point in new[] { "p1", "p2", "p3", "p4" })
        foreach (var seed in new[] { 1, 2 })
            Assert.Contains($"href=\"seed-{seed}/points/{point}/accuracy.png\"", html);
    }

    [Fact]
    public void The_best_configuration_file_reruns_as_a_plain_study()
    {
        var sweepRun = _folder.File("sweep");
        Assert.Equal(0, Run("run", WriteExperiment(Sweep2x2), "--out", sweepRun, "--set", "seeds=[1]").Code);
        using var sweep = JsonDocument.Parse(File.ReadAllText(Path.Combine(sweepRun, "sweep.json")));
        var bestTemperature = sweep.RootElement.GetProperty("best").GetProperty("settings").GetProperty("distillation.temperature").GetString();

        var rerun = _folder.File("rerun");
        var (code, _, errors) = Run("run", Path.Combine(sweepRun, "best.json"), "--out", rerun);

        Assert.True(code == 0, errors);
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(rerun, "config.json")));
        Assert.Equal(JsonValueKind.Null, config.RootElement.GetProperty("sweep").ValueKind);
        Assert.Equal(bestTemperature, config.RootElement.GetProperty("distillation").GetProperty("temperature").GetRawText());
        Assert.True(File.Exists(Path.Combine(rerun, "seed-1", "distilled", "best.bin")));
    }

    [Fact]
    public void Report_rebuilds_the_summary_the_page_and_the_figures_from_a_finished_run()
    {
        var run = _folder.File("study");
        Assert.Equal(0, Run("run", WriteExperiment(), "--out", run, "--set", "studentTraining.epochs=1").Code);
        var files = new[]
        {
            "summary.md", "report.html", "accuracy.png", "confusion.png", "kd-loss-terms.png", "kd-loss-terms-unweighted.png", "kd-objective.png",
            "loss.png", "learning-rate.png", "reliability.png", "per-class.png",
        };
        var before = File.ReadAllText(Path.Combine(run, "summary.md"));
        foreach (var file in files) File.Delete(Path.Combine(run, file));

        var (code, output, errors) = Run("report", run);

        Assert.True(code == 0, errors);
        Assert.All(files, f => Assert.True(File.Exists(Path.Combine(run, f)), $"{f} was not rebuilt"));
        Assert.Equal(before, File.ReadAllText(Path.Combine(run, "summary.md")));
        Assert.Contains("report.html", output);
        Assert.Contains("| Distilled | ", before);
        Assert.Contains("Expected calibration error (15 bins)", before);
    }

    [Fact]
    public void The_page_carries_the_terminal_tables_columns_and_the_comparison_sections()
    {
        var run = _folder.File("study");
        var (code, _, errors) = Run("run", WriteExperiment(), "--out", run);
        Assert.True(code == 0, errors);

        var html = File.ReadAllText(Path.Combine(run, "report.html"));

        foreach (var header in Distill.Reports.ExperimentTables.ComparisonHeaders)
        {
            Assert.Contains($"<th>{header}</th>", html);
        }
        Assert.Contains("<th>Last-epoch errors</th>", html);
        Assert.Contains("<th>Top-1 agreement with the teacher</th>", html);
        Assert.Contains("<th>Expected calibration error (15 bins)</th>", html);
        Assert.Contains("<th>Teacher / student</th>", html);
        Assert.Contains("name=\"viewport\"", html);
        // A row per class of the synthetic data, named as the data names them.
        Assert.Equal(10 + 1, Regex.Matches(html[html.IndexOf(">Per-class accuracy</h2>", StringComparison.Ordinal)..].Split("</table>")[0], "<tr>").Count);
    }

    [Fact]
    public void Report_also_rebuilds_a_compare_run()
    {
        var run = _folder.File("compare");
        Assert.Equal(0, Run("compare", "--data-dir", _data, "--validation", "100", "--out", run, "--teacher-spec", "mlp:32", "--student-spec", "mlp:8",
            "--teacher-epochs", "1", "--student-epochs", "1").Code);

        var (code, _, errors) = Run("report", run);

        Assert.True(code == 0, errors);
        Assert.Contains("data:image/png;base64,", File.ReadAllText(Path.Combine(run, "report.html")));
        Assert.True(File.Exists(Path.Combine(run, "confusion.png")));
    }

    [Theory]
    [InlineData("distillation.temprature=4", "Unknown key 'distillation.temprature'")]
    [InlineData("studentTraining.epochs=many", "'studentTraining.epochs'")]
    [InlineData("studentTraining.epochs=0", "key 'studentTraining'")]
    public void A_bad_set_is_one_sentence_naming_the_key_before_any_work(string set, string message)
    {
        var run = _folder.File("run");

        var (code, _, errors) = Run("run", WriteExperiment(), "--set", set, "--out", run);

        Assert.Equal(1, code);
        Assert.Contains(message, errors);
        Assert.Single(errors.Trim().Split('\n'));
        Assert.False(Directory.Exists(run));
    }

    [Fact]
    public void Report_on_a_folder_without_results_is_one_sentence()
    {
        Directory.CreateDirectory(_folder.File("empty"));

        var (code, _, errors) = Run("report", _folder.File("empty"));

        Assert.Equal(1, code);
        Assert.Contains("is it a finished run?", errors);
    }
}
