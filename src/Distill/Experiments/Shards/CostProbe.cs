using System.Diagnostics;
using Distill.Models;
using static TorchSharp.torch;

namespace Distill.Experiments.Shards;

/// <summary>
/// The CPU time one batch costs a model: a training step (forward, cross-entropy, backward) and a
/// forward pass alone, each the mean of a few batches after one to warm up, measured as this
/// process's CPU time so a busy machine changes it less than it changes the wall clock. The basis
/// of <see cref="ExperimentCost"/>: every role's cost is batches times these.
/// </summary>
public static class CostProbe
{
    private const int Repeats = 3;

    public static (double StepSeconds, double ForwardSeconds) Measure(string spec, long[] sampleShape, int classCount, int batchSize)
    {
        using var scope = NewDisposeScope();
        using var model = ModelBuilder.Build(ModelSpec.Parse(spec), sampleShape, classCount);
        var input = randn([batchSize, .. sampleShape]);
        var labels = randint(classCount, [batchSize]);
        void Step()
        {
            using var step = NewDisposeScope();
            model.train();
            model.zero_grad();
            nn.functional.cross_entropy(model.call(input), labels).backward();
        }
        void Forward()
        {
            using var step = NewDisposeScope();
            using var noGrad = no_grad();
            model.eval();
            model.call(input);
        }
        return (Time(Step), Time(Forward));
    }

    private static double Time(Action batch)
    {
        batch();
        var process = Process.GetCurrentProcess();
        var before = process.TotalProcessorTime;
        for (var i = 0; i < Repeats; i++) batch();
        process.Refresh();
        return (process.TotalProcessorTime - before).TotalSeconds / Repeats;
    }
}
