using System.Text.Json;
using Distill.Deployment;
using Distill.Models;
using Distill.Tests.Support;

namespace Distill.Tests.Deployment;

public sealed class LatencyTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string SavedModel()
    {
        var path = _folder.File("best.bin");
        using var model = ModelBuilder.Build(ModelSpec.Parse("cnn:c4-relu-mp2"), [1, 12, 12], 10);
        ModelStore.Save(model, new ModelCard("cnn:c4-relu-mp2", [1, 12, 12], 10, ModelBuilder.CountParameters(model), "mnist", "distilled"), path);
        return path;
    }

    [Fact]
    public void A_weights_file_is_timed_under_torchsharp_and_onnx_runtime_at_each_batch_size()
    {
        var options = new LatencyOptions { BatchSizes = [1, 8], MinimumRuns = 30, MinimumSeconds = 0, WarmupRuns = 2 };
        var results = LatencyBenchmark.Measure(SavedModel(), options);
        Assert.Equal(
            [("TorchSharp", 1), ("ONNX Runtime", 1), ("TorchSharp", 8), ("ONNX Runtime", 8)],
            results.Select(r => (r.Runtime, r.BatchSize)));
        foreach (var r in results)
        {
            Assert.True(r.Runs >= 30);
            Assert.True(r.MedianMilliseconds > 0 && r.P95Milliseconds >= r.MedianMilliseconds, $"{r}");
            Assert.True(r.SamplesPerSecond > 0);
        }
    }

    [Fact]
    public void Timing_a_model_leaves_none_of_its_intermediate_tensors_alive()
    {
        // Disposing only each pass's output once left the convolution and pooling outputs to the
        // finalizer: deploy's timing of the quickstart CNN at batch 64 reached 3.4 GB.
        using var model = ModelBuilder.Build(ModelSpec.Parse("cnn:c4-relu-mp2-fc8-relu"), [1, 12, 12], 10);
        var options = new LatencyOptions { BatchSizes = [4], MinimumRuns = 50, MinimumSeconds = 0, WarmupRuns = 2 };
        var before = TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        LatencyBenchmark.MeasureModule("cnn", model, [1, 12, 12], options);

        var left = TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount - before;
        Assert.True(left < 10, $"{left} tensors were left alive by 52 timed passes");
    }

    [Fact]
    public void An_onnx_file_is_timed_under_onnx_runtime()
    {
        var options = new LatencyOptions { BatchSizes = [1, 64], MinimumRuns = 20, MinimumSeconds = 0, WarmupRuns = 1 };
        var results = LatencyBenchmark.Measure(GoldenTeachers.File("cnn", "onnx"), options);
        Assert.Equal([1, 64], results.Select(r => r.BatchSize));
        Assert.All(results, r => Assert.Equal("ONNX Runtime", r.Runtime));
    }

    [Fact]
    public void The_latency_command_prints_one_row_per_model_runtime_and_batch_size()
    {
        var (code, output, errors) = InProcessCli.Run("latency", SavedModel(), GoldenTeachers.File("mlp", "onnx"), "--seconds", "0", "--threads", "1", "--json");
        Assert.True(code == 0, errors);
        var rows = JsonDocument.Parse(output).RootElement.EnumerateArray().ToList();
        Assert.Equal(6, rows.Count);
        Assert.All(rows, r => Assert.True(r.GetProperty("runs").GetInt32() >= 400));
    }

    [Fact]
    public void A_file_that_is_not_a_model_is_refused_in_one_sentence()
    {
        var path = _folder.File("broken.onnx");
        File.WriteAllBytes(path, [1, 2, 3, 4, 5]);
        var (code, _, errors) = InProcessCli.Run("latency", path);
        Assert.Equal(1, code);
        Assert.Contains("is not an ONNX model", errors);
        Assert.Single(errors.Trim().Split('\n'));
    }
}
