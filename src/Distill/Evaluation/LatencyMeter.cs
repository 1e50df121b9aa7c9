using System.Diagnostics;
using static TorchSharp.torch;

namespace Distill.Evaluation;

/// <summary>Inference latency of one sample (batch of 1), the deployment case the student exists for.</summary>
public static class LatencyMeter
{
    /// <summary>Median milliseconds per forward pass of a single input, after a warm-up.</summary>
    public static double MedianMilliseconds(nn.Module<Tensor, Tensor> model, IReadOnlyList<long> sampleShape, int iterations = 200, int warmup = 20)
    {
        var wasTraining = model.training;
        model.eval();
        try
        {
            using var noGrad = no_grad();
            using var input = randn([1, .. sampleShape]);
            // A scope per pass: a module that is not a Sequential (the zoo's) leaves its intermediates
            // to the caller's scope, and timing their disposal is part of the pass's real cost.
            for (var i = 0; i < warmup; i++)
                using (NewDisposeScope()) model.call(input);
            var timings = new double[iterations];
            for (var i = 0; i < iterations; i++)
            {
                var start = Stopwatch.GetTimestamp();
                using (NewDisposeScope()) model.call(input);
                timings[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
            Array.Sort(timings);
            return timings[iterations / 2];
        }
        finally
        {
            model.train(wasTraining);
        }
    }
}
