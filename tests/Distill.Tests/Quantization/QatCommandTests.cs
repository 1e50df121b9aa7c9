using System.Text.Json;
using System.Text.RegularExpressions;
using Distill.Tests.Support;
using Onnx;

namespace Distill.Tests.Quantization;

/// <summary>Quantization-aware training from the CLI: compare --student-qat, export --int8 on the learned ranges, prune --fine-tune and --qat.</summary>
public sealed class QatCommandTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();
    private readonly string _data;

    public QatCommandTests()
    {
        _data = Path.Combine(_folder.Path, "data");
        SyntheticIdx.WriteDataset(_data, trainCount: 500, testCount: 200);
    }

    public void Dispose() => _folder.Dispose();

    private string QatRun()
    {
        var run = _folder.File("run");
        var (code, _, errors) = InProcessCli.Run("compare", "--data-dir", _data, "--validation", "100", "--out", run,
            "--teacher-spec", "mlp:64", "--student-spec", "mlp:32-16", "--teacher-epochs", "2", "--student-epochs", "2",
            "--teacher-batch-size", "32", "--student-batch-size", "32", "--student-qat");
        Assert.True(code == 0, errors);
        return run;
    }

    [Fact]
    public void Both_students_train_quantization_aware_and_export_int8_uses_their_ranges_without_calibrating()
    {
        var run = QatRun();
        foreach (var student in new[] { "scratch", "distilled" })
        {
            using var card = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, student, "best.json")));
            Assert.True(card.RootElement.GetProperty("quantizationAware").GetProperty("activations").TryGetProperty("input", out _), student);
        }
        using var teacherCard = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "teacher", "best.json")));
        Assert.False(teacherCard.RootElement.TryGetProperty("quantizationAware", out _));

        var int8 = _folder.File("student-int8.onnx");
        var (code, output, errors) = InProcessCli.Run("export", run, "--int8", "-o", int8);
        Assert.True(code == 0, errors);
        Assert.Contains("activation ranges observed in its quantization-aware training, no calibration", Regex.Replace(output, @"\s+", " "));
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(int8));
        Assert.Contains(model.Graph.Node, n => n.OpType == "QuantizeLinear");
        Assert.Contains(model.MetadataProps, p => p.Key == "distill.quantization" && p.Value.Contains("quantization-aware training"));
    }

    [Fact]
    public void Prune_fine_tunes_on_the_labels_quantization_aware_and_writes_int8_rows()
    {
        var run = QatRun();

        var (code, output, errors) = InProcessCli.Run("prune", run, "--sparsity", "0.5", "--fine-tune", "labels", "--qat", "--seconds", "0", "--threads", "1");

        Assert.True(code == 0, errors);
        Assert.Contains("on the labels alone, quantization-aware", File.ReadAllText(Path.Combine(run, "prune", "curve.md")));
        Assert.Contains(ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(run, "prune", "sparsity-50.onnx"))).Graph.Node, n => n.OpType == "QuantizeLinear");
        using var card = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "prune", "sparsity-50", "best.json")));
        Assert.True(card.RootElement.TryGetProperty("quantizationAware", out _));
    }

    [Fact]
    public void A_residual_network_trains_quantization_aware_from_the_CLI_and_exports_on_its_ranges()
    {
        var model = _folder.File("resnet");
        var (code, _, errors) = InProcessCli.Run("train", "--model", "resnet:8", "--data-dir", _data, "--validation", "100", "--epochs", "1",
            "--batch-size", "32", "--qat", "--out", model);
        Assert.True(code == 0, errors);
        var int8 = _folder.File("resnet-int8.onnx");
        (code, var output, errors) = InProcessCli.Run("export", model, "--int8", "-o", int8);
        Assert.True(code == 0, errors);
        Assert.Contains("activation ranges observed in its quantization-aware training, no calibration", Regex.Replace(output, @"\s+", " "));
        var graph = ModelProto.Parser.ParseFrom(File.ReadAllBytes(int8)).Graph;
        Assert.Contains(graph.Node, n => n.OpType == "QuantizeLinear" && n.Input[0] == "layer1.0.relu");
        (code, output, errors) = InProcessCli.Run("eval", int8, "--data-dir", _data);
        Assert.True(code == 0, errors);
    }

    [Theory]
    [InlineData("prune", "--fine-tune", "peers")]
    [InlineData("train", "--model", "cnn:c4-gelu-fc8", "--qat")]
    [InlineData("train", "--model", "mlp:16", "--qat", "--precision", "bfloat16")]
    public void Bad_input_is_refused_in_one_sentence(params string[] arguments)
    {
        string[] command = arguments[0] == "train"
            ? [.. arguments, "--data-dir", _data, "--epochs", "1", "--out", _folder.File("model")]
            : [arguments[0], _folder.Path, .. arguments.Skip(1)];
        var (code, _, errors) = InProcessCli.Run(command);
        Assert.NotEqual(0, code);
        // Progress lines may come first; the refusal is one line, with no stack trace.
        Assert.Single(errors.Trim().Split('\n'), line => line.StartsWith("error:", StringComparison.Ordinal));
        Assert.DoesNotContain("   at ", errors);
    }
}
