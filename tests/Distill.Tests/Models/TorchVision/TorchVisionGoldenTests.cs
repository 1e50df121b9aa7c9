using System.Diagnostics;
using System.Text.Json;
using Distill.Models;
using Distill.Models.Weights;
using Distill.Tests.Support;
using static TorchSharp.torch;

namespace Distill.Tests.Models.TorchVision;

/// <summary>
/// A torchvision model saved by PyTorch (Golden/torchvision_models.py: torch.save(model.state_dict()))
/// loads by name into Distill's torchvision:NAME and gives PyTorch's logits on the same input. The
/// state_dicts are too large to check in (vgg16's is 537 MB), so the script writes them per case.
/// </summary>
public sealed class TorchVisionGoldenTests
{
    private static readonly string Script = Path.Combine(AppContext.BaseDirectory, "Golden", "torchvision_models.py");

    [PythonTorchvisionTheory]
    [InlineData("resnet18")]
    [InlineData("resnet34")]
    [InlineData("resnet50")]
    [InlineData("vgg11_bn")]
    [InlineData("vgg16")]
    [InlineData("vgg16_bn")]
    [InlineData("mobilenet_v2")]
    [InlineData("mobilenet_v3_small")]
    [InlineData("efficientnet_b0")]
    public void A_pytorch_state_dict_gives_pytorchs_logits(string name)
    {
        using var folder = new TemporaryFolder();
        var (input, expected) = Generate(folder.Path, name);
        var spec = ModelSpec.Parse("torchvision:" + name);
        using var model = ModelBuilder.Build(spec, [3, 64, 64], 10);

        var loaded = PretrainedWeights.Load(model, spec, Path.Combine(folder.Path, name + ".pth"), newHead: false);
        model.eval();
        using var noGrad = no_grad();
        using var logits = model.call(input);

        Assert.Equal(model.state_dict().Count, loaded.Tensors);
        Assert.Empty(loaded.ReplacedHead);
        var actual = logits.data<float>().ToArray();
        Assert.Equal(expected.Length, actual.Length);
        var worst = expected.Zip(actual, (e, a) => Math.Abs(e - a) / (1 + Math.Abs(e))).Max();
        // float32 through up to 50 layers: PyTorch and libtorch sum in different orders.
        Assert.True(worst < 1e-4, $"{name}: largest relative difference {worst:G3} from PyTorch's logits");
    }

    /// <summary>Runs the script for one architecture; the fixed input and PyTorch's logits.</summary>
    private static (Tensor Input, float[] Logits) Generate(string folder, string name)
    {
        var start = new ProcessStartInfo(Python.Executable) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[] { Script, folder, name }) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, errors + output.Result);
        using var golden = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "golden.json")));
        var root = golden.RootElement;
        var shape = root.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
        var input = tensor(root.GetProperty("input").EnumerateArray().Select(v => v.GetSingle()).ToArray()).reshape(shape);
        return (input, root.GetProperty("logits").GetProperty(name).EnumerateArray().Select(v => v.GetSingle()).ToArray());
    }
}
