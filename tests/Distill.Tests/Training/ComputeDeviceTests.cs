using System.Text.RegularExpressions;
using Distill.Tests.Support;
using Distill.Training;

namespace Distill.Tests.Training;

public sealed class ComputeDeviceTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("cpu", "cpu")]
    [InlineData("cuda", "cuda")]
    [InlineData("cuda:1", "cuda:1")]
    public void Cpu_cuda_and_cuda_n_are_read(string text, string device) => Assert.Equal(device, ComputeDevice.Parse(text).ToString());

    [Theory]
    [InlineData("gpu")]
    [InlineData("cuda:")]
    [InlineData("cuda:x")]
    [InlineData("CPU")]
    public void Other_devices_are_refused_naming_the_choices(string text) =>
        Assert.Contains("is not cpu, cuda or cuda:N", Assert.Throws<DistillException>(() => ComputeDevice.Parse(text)).Message);

    [Fact]
    public void Cuda_on_the_cpu_build_is_refused_in_one_sentence_saying_how_to_get_the_cuda_build()
    {
        Assert.False(ComputeDevice.CudaBuild);
        var data = Path.Combine(_folder.Path, "data");
        SyntheticIdx.WriteDataset(data, trainCount: 100, testCount: 50);

        var run = InProcessCli.Run("train", "--data-dir", data, "--model", "mlp:8", "--out", _folder.File("t"), "--device", "cuda:0");

        Refusal.AssertOneLongSentence(run.Code, run.Errors, "-p:TorchBackend=cuda", "TorchSharp-cuda-linux");
        Assert.False(Directory.Exists(_folder.File("t")));
        Assert.Equal("cpu", ComputeDevice.Current.ToString());
        Refusal.AssertOneSentence(InProcessCli.Run("models", "--device", "tpu"), "'tpu' is not cpu, cuda or cuda:N", "--device");
    }

    [Fact]
    public void An_experiment_file_names_its_device_and_a_bad_one_is_refused_naming_the_key()
    {
        var file = _folder.File("e.json");
        File.WriteAllText(file, """{ "device": "gpu" }""");

        Refusal.AssertOneSentence(InProcessCli.Run("run", file), "key 'device'");
        Assert.Equal("cuda:1", Distill.Experiments.ExperimentFile.Load(file, ["device=cuda:1"]).Settings.Device);
    }

    /// <summary>Everything follows the one device helper; a device named anywhere else would pin tensors to it.</summary>
    [Fact]
    public void No_source_file_but_the_device_helper_names_a_device()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Distill.sln"))) root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("no Distill.sln above the tests");
        // Creating on or moving to a device counts; asking a tensor's device (==, !=) and copying to the host to read values (.cpu()) do not.
        var named = new Regex(@"torch\.(CPU|CUDA|MPS)\b|(?<![=!]=\s*(TorchSharp\.)?)DeviceType\.(CPU|CUDA|MPS)\b|new\s+Device\s*\(|device:\s*(CPU|CUDA)\b|\.to\(\s*(CPU|CUDA)\b|\.cuda\(\)");
        var offenders = Directory.GetFiles(Path.Combine(root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith(Path.Combine("Training", "ComputeDevice.cs"), StringComparison.Ordinal) && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (f, i, line)))
            .Where(l => !l.line.TrimStart().StartsWith("//", StringComparison.Ordinal) && named.IsMatch(l.line))
            .Select(l => $"{Path.GetRelativePath(root, l.f)}:{l.i + 1}: {l.line.Trim()}")
            .ToList();

        Assert.True(offenders.Count == 0, "a device is named outside Training/ComputeDevice.cs:\n" + string.Join('\n', offenders));
    }
}
