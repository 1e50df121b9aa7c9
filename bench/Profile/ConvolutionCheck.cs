using System.Diagnostics;
using Distill.Native;
using static TorchSharp.torch;

/// <summary>
/// libtorch's convolutions in float32 and bfloat16 against float64 (which oneDNN does not run), with
/// oneDNN on (as libtorch ships) and off (as Distill sets it where the first column goes wrong):
/// forward output and input gradient as the largest error relative to the largest float64 value,
/// worst of 3 draws at batch 32. Errors near 1e-6 (float32) or 0.01 (bfloat16) are rounding.
/// Then the time of 50 training steps of a c32-c64 CNN (batch 128, 28x28) with oneDNN on and off.
/// </summary>
internal static class ConvolutionCheck
{
    public static void Run()
    {
        Console.WriteLine($"CPU: {CpuName()}");
        Console.WriteLine("type      in->out   oneDNN on: forward  input-grad   oneDNN off: forward  input-grad");
        foreach (var type in new[] { ScalarType.Float32, ScalarType.BFloat16 })
        foreach (var (inputs, outputs) in new[] { (1, 4), (4, 8), (32, 8), (8, 16), (16, 24), (20, 32), (32, 64) })
        {
            var on = Errors(type, inputs, outputs, oneDnn: true);
            var off = Errors(type, inputs, outputs, oneDnn: false);
            Console.WriteLine($"{type,-9} {inputs,2}->{outputs,-3}   {on.Forward,17:G2} {on.InputGradient,11:G2}   {off.Forward,18:G2} {off.InputGradient,11:G2}");
        }
        foreach (var oneDnn in new[] { true, false })
            Console.WriteLine($"50 steps, cnn c32-c64, batch 128, float32, oneDNN {(oneDnn ? "on" : "off")}: {StepSeconds(oneDnn):F2} s");
        OneDnnSwitch.Set(true);
    }

    private static (double Forward, double InputGradient) Errors(ScalarType type, int inputs, int outputs, bool oneDnn)
    {
        OneDnnSwitch.Set(oneDnn);
        manual_seed(inputs * 100 + outputs);
        double forward = 0, inputGradient = 0;
        for (var draw = 0; draw < 3; draw++)
        {
            using var scope = NewDisposeScope();
            var x = randn(32, inputs, 12, 12);
            var w = randn(outputs, inputs, 3, 3) * 0.3;
            var g = randn(32, outputs, 12, 12);
            var (y, dx) = Convolve(x.to(type), w.to(type), g.to(type));
            var (y64, dx64) = Convolve(x.to(ScalarType.Float64), w.to(ScalarType.Float64), g.to(ScalarType.Float64));
            forward = Math.Max(forward, Relative(y, y64));
            inputGradient = Math.Max(inputGradient, Relative(dx, dx64));
        }
        return (forward, inputGradient);
    }

    private static (Tensor Output, Tensor InputGradient) Convolve(Tensor x, Tensor w, Tensor g)
    {
        x = x.detach().clone().requires_grad_();
        var y = nn.functional.conv2d(x, w, padding: [1, 1]);
        (y * g).sum().backward();
        return (y.detach(), x.grad!);
    }

    private static double Relative(Tensor actual, Tensor reference)
    {
        var error = (actual.to(ScalarType.Float64) - reference).abs().max().item<double>();
        return double.IsNaN(error) ? double.NaN : error / reference.abs().max().item<double>();
    }

    private static double StepSeconds(bool oneDnn)
    {
        OneDnnSwitch.Set(oneDnn);
        manual_seed(1);
        using var net = nn.Sequential(nn.Conv2d(1, 32, 3, padding: 1), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3, padding: 1), nn.ReLU(),
            nn.MaxPool2d(2), nn.Flatten(), nn.Linear(64 * 7 * 7, 10));
        var optimizer = optim.Adam(net.parameters());
        var x = randn(128, 1, 28, 28);
        var labels = randint(0, 10, [128]);
        var clock = new Stopwatch();
        for (var step = 0; step < 60; step++)
        {
            if (step == 10) clock.Start();
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            nn.functional.cross_entropy(net.call(x), labels).backward();
            optimizer.step();
        }
        return clock.Elapsed.TotalSeconds;
    }

    private static string CpuName() =>
        File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";
}
