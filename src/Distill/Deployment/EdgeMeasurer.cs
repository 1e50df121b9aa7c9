using System.IO.Compression;
using Distill.Models;
using Distill.Runs;
using Distill.Teachers;
using static TorchSharp.torch;

namespace Distill.Deployment;

/// <summary>Measures one model file for the edge table.</summary>
internal sealed class EdgeMeasurer(EdgeRun run, LatencyOptions latency, IProgress<string>? messages)
{
    public EdgeRow Module(string name, string spec, nn.Module<Tensor, Tensor> model, string file) =>
        new(name, spec, LatencyBenchmark.TorchSharp, RunPaths.Stored(file, run.Folder), run.Accuracy(model), new FileInfo(file).Length, Compressed(file),
            model is ImportedTeacher imported ? imported.ParameterCount : ModelBuilder.CountParameters(model),
            model is ImportedTeacher importedToo ? importedToo.ParameterCount : Nonzero(model),
            LatencyBenchmark.MeasureModule(Path.GetFileName(file), model, run.Data.Train.SampleShape, latency, messages));

    public EdgeRow Onnx(string name, string spec, string file, long parameters, long nonzero) =>
        new(name, spec, LatencyBenchmark.OnnxRuntime, RunPaths.Stored(file, run.Folder), run.Accuracy(file), new FileInfo(file).Length, Compressed(file),
            parameters, nonzero, LatencyBenchmark.Measure(file, latency, messages));

    public static long Nonzero(nn.Module model)
    {
        using var scope = NewDisposeScope();
        return model.parameters().Sum(p => p.count_nonzero().item<long>());
    }

    private static long Compressed(string file)
    {
        using var counter = new MemoryStream();
        using (var gzip = new GZipStream(counter, CompressionLevel.Optimal, leaveOpen: true))
        using (var source = File.OpenRead(file))
            source.CopyTo(gzip);
        return counter.Length;
    }
}
