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
            for (var i = 0; i < warmup; i++) model.call(input).Dispose();
            var timings = new double[iterations];
            for (var i = 0; i < iterations; i++)
            {
                var start = Stopwatch.GetTimestamp();
                model.call(input).Dispose();
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
