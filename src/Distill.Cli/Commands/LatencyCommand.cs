using System.CommandLine;
using System.Globalization;
using Distill.Deployment;
using Distill.Runs;
using Spectre.Console;

namespace Distill.Cli.Commands;

/// <summary>latency: how fast saved models answer, under TorchSharp and ONNX Runtime.</summary>
internal static class LatencyCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("latency", "Time saved models (Distill weights files and ONNX files): median and p95 latency and throughput at batch 1 and 64, under TorchSharp and ONNX Runtime.");
        var models = new Argument<string[]>("models") { Description = "Weights files (best.bin, with their .json cards), run folders (their distilled student) or .onnx files.", Arity = ArgumentArity.OneOrMore };
        var batchSizes = new Option<int[]>("--batch-sizes") { Description = "Batch sizes to time.", DefaultValueFactory = _ => [1, 64], AllowMultipleArgumentsPerToken = true };
        var seconds = new Option<double>("--seconds") { Description = "Time each case for at least this long (and at least 400 runs; at most 20 s).", DefaultValueFactory = _ => 1.0 };
        var threads = new Option<int?>("--threads") { Description = "Threads for both runtimes, for a like-for-like comparison; default: each runtime's own." };
        var json = new Option<bool>("--json") { Description = "Print the results as JSON." };
        command.Add(models);
        command.Add(batchSizes);
        command.Add(seconds);
        command.Add(threads);
        command.Add(json);
        var assembly = AssemblyOption.Create();
        command.Add(assembly);

        command.SetAction(parse =>
        {
            var minimum = parse.GetValue(seconds);
            var options = new LatencyOptions { BatchSizes = parse.GetValue(batchSizes)!, MinimumSeconds = minimum, MaximumSeconds = Math.Max(20, minimum), Threads = parse.GetValue(threads), Assembly = parse.GetValue(assembly) };
            options.Validate();
            var paths = parse.GetValue(models)!.Select(m => m.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) ? m : Export.ModelLocator.Resolve(m)).ToList();
            var results = paths.SelectMany(p => LatencyBenchmark.Measure(p, options, new SynchronousProgress(context.Diagnostics))).ToList();
            if (parse.GetValue(json)) context.RawOutput.WriteLine(Json.Serialize(results));
            else Show(context.Output, results, options.Threads);
            return 0;
        });
        return command;
    }

    private static void Show(IAnsiConsole console, IReadOnlyList<LatencyMeasurement> results, int? threads)
    {
        var c = CultureInfo.InvariantCulture;
        var table = new Table().AddColumns("Model", "Runtime", "Batch", "Runs", "Median", "p95", "Samples / s");
        foreach (var r in results)
            table.AddRow(Markup.Escape(r.Model), r.Runtime, r.BatchSize.ToString(c), r.Runs.ToString("N0", c),
                r.MedianMilliseconds.ToString("F3", c) + " ms", r.P95Milliseconds.ToString("F3", c) + " ms", r.SamplesPerSecond.ToString("N0", c));
        console.Write(table);
        console.WriteLine(threads is { } count
            ? $"Threads: {count} for both runtimes."
            : $"Threads: TorchSharp {TorchSharp.torch.get_num_threads()}, ONNX Runtime its default (one per physical core); --threads N sets both.");
    }

    /// <summary>Progress written as it happens: <see cref="Progress{T}"/> would post it to the thread pool.</summary>
    private sealed class SynchronousProgress(IAnsiConsole console) : IProgress<string>
    {
        public void Report(string value) => console.WriteLine(value);
    }
}
