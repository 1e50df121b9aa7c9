using System.Diagnostics;
using Distill.Export;
using Distill.Models;
using Distill.Teachers;
using Microsoft.ML.OnnxRuntime;
using static TorchSharp.torch;

namespace Distill.Deployment;

/// <summary>
/// Latency (median and 95th percentile of single forward passes, after a warm-up) and throughput
/// of saved models: a Distill weights file under TorchSharp and, exported in memory, under ONNX
/// Runtime; an ONNX file under ONNX Runtime. Inputs are random: timings do not depend on values.
/// </summary>
public static class LatencyBenchmark
{
    public const string TorchSharp = "TorchSharp";
    public const string OnnxRuntime = "ONNX Runtime";

    // Below 20 runs a 95th percentile is the maximum.
    private const int MinimumPercentileRuns = 20;

    // Shared by every timed run; ONNX Runtime only reads it.
    private static readonly RunOptions SharedRunOptions = new();

    public static IReadOnlyList<LatencyMeasurement> Measure(string path, LatencyOptions options, IProgress<string>? messages = null)
    {
        options.Validate();
        var threads = get_num_threads();
        if (options.Threads is { } count) set_num_threads(count);
        try
        {
            return MeasureWith(path, options, messages);
        }
        finally
        {
            set_num_threads(threads);
        }
    }

    private static IReadOnlyList<LatencyMeasurement> MeasureWith(string path, LatencyOptions options, IProgress<string>? messages)
    {
        var results = new List<LatencyMeasurement>();
        if (Path.GetExtension(path).Equals(".onnx", StringComparison.OrdinalIgnoreCase))
        {
            var (session, _) = OnnxTeacher.Open(path, "model", options.Threads);
            using (session)
            {
                var dimensions = session.InputMetadata.Single().Value.Dimensions;
                if (dimensions.Length < 2 || dimensions[0] > 0 || dimensions.Skip(1).Any(d => d <= 0))
                    throw new DistillException($"The model '{path}' takes inputs of shape [{string.Join(", ", dimensions)}]; timing needs a dynamic batch and fixed other dimensions.");
                foreach (var batch in options.BatchSizes)
                    results.Add(Time(path, OnnxRuntime, batch, OnnxRun(session, batch, dimensions.Skip(1).Select(d => (long)d).ToArray()), options, messages));
            }
            return results;
        }
        var (model, card) = ModelStore.Load(path, assembly: options.Assembly);
        using (model)
        {
            model.eval();
            var exported = Exported(model, card, messages);
            using var sessionOptions = new SessionOptions();
            if (options.Threads is { } count) sessionOptions.IntraOpNumThreads = count;
            using var session = exported is null ? null : new InferenceSession(exported, sessionOptions);
            foreach (var batch in options.BatchSizes)
            {
                results.Add(TimeModule(path, model, card.InputShape, batch, options, messages));
                if (session is not null) results.Add(Time(path, OnnxRuntime, batch, OnnxRun(session, batch, card.InputShape), options, messages));
            }
        }
        return results;
    }

    /// <summary>
    /// The model as ONNX for the ONNX Runtime rows; null for a user's own module whose forward pass the
    /// exporter cannot follow, which is then timed under TorchSharp alone (a spec model always exports).
    /// </summary>
    private static byte[]? Exported(nn.Module<Tensor, Tensor> model, ModelCard card, IProgress<string>? messages)
    {
        if (card.ModuleType is null) return OnnxExporter.Export(model, card);
        try
        {
            return OnnxExporter.Export(model, card);
        }
        catch (DistillException e)
        {
            messages?.Report($"Timing {card.Spec} under TorchSharp only: {e.Message}");
            return null;
        }
    }

    /// <summary>Times a loaded model (a Distill model or an imported TorchScript teacher) under TorchSharp at each batch size.</summary>
    public static IReadOnlyList<LatencyMeasurement> MeasureModule(string name, nn.Module<Tensor, Tensor> model, IReadOnlyList<long> sampleShape, LatencyOptions options, IProgress<string>? messages = null)
    {
        options.Validate();
        var threads = get_num_threads();
        if (options.Threads is { } count) set_num_threads(count);
        var wasTraining = model.training;
        try
        {
            model.eval();
            return [.. options.BatchSizes.Select(batch => TimeModule(name, model, sampleShape, batch, options, messages))];
        }
        finally
        {
            model.train(wasTraining);
            set_num_threads(threads);
        }
    }

    private static LatencyMeasurement TimeModule(string name, nn.Module<Tensor, Tensor> model, IReadOnlyList<long> sampleShape, int batch, LatencyOptions options, IProgress<string>? messages)
    {
        using var input = randn([batch, .. sampleShape]);
        // The scope frees every intermediate of the forward pass at once: disposing only the output left
        // them to the finalizer, and a CNN timed at batch 64 grew to 3.4 GB before the GC noticed.
        return Time(name, TorchSharp, batch, () =>
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            model.call(input);
        }, options, messages);
    }

    private static Action OnnxRun(InferenceSession session, int batch, long[] sampleShape)
    {
        var inputName = session.InputMetadata.Keys.Single();
        var outputName = session.OutputMetadata.Keys.First();
        var random = new Random(1);
        var data = new float[batch * sampleShape.Aggregate(1L, (a, d) => a * d)];
        for (var i = 0; i < data.Length; i++) data[i] = (float)(random.NextDouble() * 2 - 1);
        return () =>
        {
            using var input = OrtValue.CreateTensorValueFromMemory(data, [batch, .. sampleShape]);
            using var outputs = session.Run(SharedRunOptions, [inputName], [input], [outputName]);
        };
    }

    private static LatencyMeasurement Time(string model, string runtime, int batch, Action run, LatencyOptions options, IProgress<string>? messages)
    {
        messages?.Report($"Timing {Path.GetFileName(model)} under {runtime}, batch {batch}");
        for (var i = 0; i < options.WarmupRuns; i++) run();
        var timings = new List<double>();
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var start = Stopwatch.GetTimestamp();
            run();
            timings.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            var elapsed = clock.Elapsed.TotalSeconds;
            if (timings.Count >= options.MinimumRuns && elapsed >= options.MinimumSeconds) break;
            if (timings.Count >= MinimumPercentileRuns && elapsed >= options.MaximumSeconds) break;
        }
        var total = timings.Sum();
        timings.Sort();
        return new LatencyMeasurement(model, runtime, batch, timings.Count,
            Percentile(timings, 0.5), Percentile(timings, 0.95), batch * timings.Count / (total / 1000));
    }

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    private static double Percentile(List<double> sorted, double fraction) =>
        sorted[Math.Clamp((int)Math.Ceiling(fraction * sorted.Count) - 1, 0, sorted.Count - 1)];
}
