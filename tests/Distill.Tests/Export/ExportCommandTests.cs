using Distill.Models;
using Distill.Tests.Support;
using static TorchSharp.torch;

namespace Distill.Tests.Export;

public sealed class ExportCommandTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Export_of_a_run_folder_writes_its_distilled_student_as_onnx()
    {
        var run = _folder.File("run");
        Save(Path.Combine(run, "teacher", "best.bin"), "mlp:32", "teacher");
        using var student = Save(Path.Combine(run, "distilled", "best.bin"), "cnn:c4-relu-mp2", "distilled");
        var output = _folder.File("student.onnx");

        var (code, text, errors) = InProcessCli.Run("export", run, "--format", "onnx", "-o", output);

        Assert.True(code == 0, errors);
        Assert.Contains("cnn:c4-relu-mp2", text);
        using var inputs = randn(3, 1, 12, 12);
        using var expected = student.call(inputs);
        using var actual = OnnxRun.Logits(File.ReadAllBytes(output), inputs);
        Assert.True((expected - actual).abs().max().item<float>() <= 1e-5);
    }

    [Fact]
    public void Export_of_a_weights_file_writes_that_model()
    {
        var weights = Path.Combine(_folder.Path, "m", "best.bin");
        Save(weights, "mlp:16", "scratch").Dispose();
        var (code, _, errors) = InProcessCli.Run("export", weights, "-o", _folder.File("m.onnx"));
        Assert.True(code == 0, errors);
        Assert.True(new FileInfo(_folder.File("m.onnx")).Length > 16 * 144 * 4);
    }

    [Fact]
    public void A_run_folder_with_several_models_and_no_distilled_student_is_refused_in_one_sentence()
    {
        var run = _folder.File("run");
        Save(Path.Combine(run, "teacher", "best.bin"), "mlp:8", "teacher").Dispose();
        Save(Path.Combine(run, "scratch", "best.bin"), "mlp:8", "scratch").Dispose();
        var (code, _, errors) = InProcessCli.Run("export", run, "-o", _folder.File("x.onnx"));
        Assert.Equal(1, code);
        Assert.Contains("holds several models (scratch/best.bin, teacher/best.bin); name the model's best.bin", errors);
        Assert.Single(errors.Trim().Split('\n'));
        Assert.False(File.Exists(_folder.File("x.onnx")));
    }

    [Fact]
    public void An_unknown_format_is_refused_in_one_sentence()
    {
        var (code, _, errors) = InProcessCli.Run("export", _folder.Path, "--format", "tflite", "-o", _folder.File("x"));
        Assert.Equal(1, code);
        Assert.Contains("tflite", errors);
        Assert.Single(errors.Trim().Split('\n'));
    }

    private static TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor> Save(string path, string spec, string role)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var model = ModelBuilder.Build(ModelSpec.Parse(spec), [1, 12, 12], 10);
        model.eval();
        ModelStore.Save(model, new ModelCard(spec, [1, 12, 12], 10, ModelBuilder.CountParameters(model), "mnist", role), path);
        return model;
    }
}
