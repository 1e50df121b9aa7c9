using System.Text.Json;
using Distill.Tests.Support;
using Onnx;

namespace Distill.Tests.Deployment;

/// <summary>The edge path end to end from the CLI, on a tiny compare run over synthetic IDX data.</summary>
public sealed class DeployCommandTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();
    private readonly string _data;

    public DeployCommandTests()
    {
        _data = Path.Combine(_folder.Path, "data");
        SyntheticIdx.WriteDataset(_data, trainCount: 500, testCount: 200);
    }

    public void Dispose() => _folder.Dispose();

    private string FinishedRun(string studentSpec = "mlp:32-16")
    {
        var run = _folder.File("run");
        var (code, _, errors) = InProcessCli.Run("compare", "--data-dir", _data, "--validation", "100", "--out", run,
            "--teacher-spec", "mlp:64", "--student-spec", studentSpec, "--teacher-epochs", "2", "--student-epochs", "2",
            "--teacher-batch-size", "32", "--student-batch-size", "32");
        Assert.True(code == 0, errors);
        return run;
    }

    [Fact]
    public void Deploy_writes_every_model_and_the_table_of_teacher_student_pruned_slim_and_int8()
    {
        var run = FinishedRun();

        // --wide: the assertions read whole cells, which a table fitted to 80 columns wraps.
        var (code, output, errors) = InProcessCli.Run("deploy", run, "--wide", "--sparsity", "0.6", "--channels", "0.5", "--seconds", "0", "--threads", "1", "--calibration-rows", "200");

        Assert.True(code == 0, errors);
        var deploy = Path.Combine(run, "deploy");
        foreach (var file in new[] { "student.onnx", "teacher.onnx", "student-int8.onnx", "pruned.onnx", "slim.onnx", "pruned/best.bin", "slim/best.bin", "deploy.md", "deploy.html", "deploy.json" })
            Assert.True(File.Exists(Path.Combine(deploy, file)), $"{file} is missing");
        // The pruned and slim students are fine-tuned as roles of the study pipeline: each with its outcome, all in one result and report.
        foreach (var file in new[] { "pruned/outcome.json", "slim/outcome.json", "metrics.jsonl", "results.json", "report.html" })
            Assert.True(File.Exists(Path.Combine(deploy, file)), $"{file} is missing");
        Assert.Contains("int8 (mlp:32-16)", output);
        Assert.Contains("slim (mlp:16-8)", File.ReadAllText(Path.Combine(deploy, "deploy.md")));

        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(deploy, "deploy.json")));
        var rows = report.RootElement.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(["teacher", "teacher", "student", "student", "pruned", "pruned", "slim", "slim", "int8"], rows.Select(r => r.GetProperty("model").GetString()));
        JsonElement Row(string model, string runtime) => rows.Single(r => r.GetProperty("model").GetString() == model && r.GetProperty("runtime").GetString() == runtime);
        double Accuracy(JsonElement row) => row.GetProperty("testAccuracy").GetDouble();
        long Long(JsonElement row, string name) => row.GetProperty(name).GetInt64();

        var student = Row("student", "ONNX Runtime");
        Assert.Equal(Accuracy(Row("student", "TorchSharp")), Accuracy(student), 3);
        Assert.True(report.RootElement.GetProperty("onnxMaxDifference").GetDouble() <= 1e-5);
        var pruned = Row("pruned", "ONNX Runtime");
        Assert.InRange(Long(pruned, "nonzeroParameters"), 1, (long)(Long(pruned, "parameters") * 0.45));
        Assert.True(Long(Row("slim", "ONNX Runtime"), "parameters") < Long(student, "parameters") * 0.6);
        var int8 = Row("int8", "ONNX Runtime");
        Assert.True(Long(int8, "sizeBytes") < Long(student, "sizeBytes") * 0.5);
        Assert.True(Math.Abs(Accuracy(int8) - Accuracy(student)) <= 0.03, $"int8 {Accuracy(int8)}, float {Accuracy(student)}");
        Assert.All(rows, r => Assert.Equal([1, 64], r.GetProperty("latency").EnumerateArray().Select(l => l.GetProperty("batchSize").GetInt32())));
        Assert.All(rows, r => Assert.All(r.GetProperty("latency").EnumerateArray(), l => Assert.True(l.GetProperty("runs").GetInt32() >= 200)));

        // The run's own report gains the edge table and its two plots, and `distill report` keeps them.
        Assert.Contains("report.html (section \"Edge deployment\")", output);
        foreach (var html in new[] { File.ReadAllText(Path.Combine(run, "report.html")), Rebuilt(run) })
        {
            Assert.Contains("id=\"edge-deployment\"", html);
            Assert.Contains("<td>int8 (mlp:32-16)</td>", html);
            Assert.Contains("Test accuracy against latency", html);
        }
        Assert.True(File.Exists(Path.Combine(run, "deploy-latency.png")) && File.Exists(Path.Combine(run, "deploy-size.png")));
    }

    private static string Rebuilt(string run)
    {
        var (code, _, errors) = InProcessCli.Run("report", run);
        Assert.True(code == 0, errors);
        return File.ReadAllText(Path.Combine(run, "report.html"));
    }

    [Fact]
    public void Prune_writes_the_curve_of_each_sparsity_and_channel_share_and_export_int8_writes_a_qdq_file()
    {
        var run = FinishedRun();

        var (code, _, errors) = InProcessCli.Run("prune", run, "--sparsity", "0.5", "0.9", "--channels", "0.5", "--scope", "layer", "--seconds", "0", "--threads", "1");

        Assert.True(code == 0, errors);
        using var curve = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "prune", "curve.json")));
        var rows = curve.RootElement.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(["student", "sparsity-50", "sparsity-90", "channels-50"], rows.Select(r => r.GetProperty("model").GetString()));
        var parameters = rows[0].GetProperty("parameters").GetInt64();
        Assert.True(rows[2].GetProperty("nonzeroParameters").GetInt64() < rows[1].GetProperty("nonzeroParameters").GetInt64());
        Assert.True(rows[3].GetProperty("parameters").GetInt64() < parameters);

        var int8 = _folder.File("student-int8.onnx");
        (code, var output, errors) = InProcessCli.Run("export", run, "--int8", "--calibration", "percentile", "-o", int8);
        Assert.True(code == 0, errors);
        Assert.Contains("int8 QDQ", output);
        Assert.Contains(ModelProto.Parser.ParseFrom(File.ReadAllBytes(int8)).Graph.Node, n => n.OpType == "QuantizeLinear");
    }

    [Fact]
    public void A_distill_run_keeps_its_options_so_prune_can_fine_tune_from_its_teacher()
    {
        var run = FinishedRun();
        var student = _folder.File("distilled-only");
        var (code, _, errors) = InProcessCli.Run("distill", "--teacher", Path.Combine(run, "teacher", "best.bin"), "--student-spec", "cnn:c4-relu-mp2",
            "--data-dir", _data, "--validation", "100", "--epochs", "1", "--batch-size", "32", "-T", "3", "--out", student);
        Assert.True(code == 0, errors);
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(student, "config.json")));
        Assert.Equal("cnn:c4-relu-mp2", config.RootElement.GetProperty("studentSpec").GetString());
        Assert.Equal(Path.GetFullPath(Path.Combine(run, "teacher", "best.bin")), config.RootElement.GetProperty("teacherPath").GetString());
        Assert.Equal(3, config.RootElement.GetProperty("distillation").GetProperty("temperature").GetDouble());

        (code, _, errors) = InProcessCli.Run("prune", student, "--sparsity", "0.5", "--channels", "0.5", "--seconds", "0", "--threads", "1");
        Assert.True(code == 0, errors);
        using var curve = JsonDocument.Parse(File.ReadAllText(Path.Combine(student, "prune", "curve.json")));
        Assert.Equal("cnn:c2-relu-mp2", curve.RootElement.GetProperty("rows")[2].GetProperty("spec").GetString());
    }

    [Theory]
    [InlineData("deploy")]
    [InlineData("prune")]
    public void A_folder_that_is_no_finished_run_is_refused_in_one_sentence(string command)
    {
        var empty = _folder.File("empty");
        Directory.CreateDirectory(empty);
        var (code, _, errors) = InProcessCli.Run(command, empty);
        Assert.Equal(1, code);
        Assert.Contains("has no config.json; give the folder of a finished quickstart, distill or compare run", errors);
        Assert.Single(errors.Trim().Split('\n'));

        (code, _, errors) = InProcessCli.Run(command, _folder.File("missing"));
        Assert.Equal(1, code);
        Assert.Contains("is not a run folder", errors);
        Assert.Single(errors.Trim().Split('\n'));
    }

    [Fact]
    public void Bad_option_values_are_refused_in_one_sentence()
    {
        var (code, _, errors) = InProcessCli.Run("deploy", _folder.Path, "--sparsity", "1.5");
        Assert.Equal(1, code);
        Assert.Contains("The sparsity must be at least 0 and below 1, not 1.5.", errors);
        Assert.Single(errors.Trim().Split('\n'));
    }
}
