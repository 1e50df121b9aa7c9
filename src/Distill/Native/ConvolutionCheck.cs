using static TorchSharp.torch;

namespace Distill.Native;

/// <summary>
/// libtorch 2.10's oneDNN 3.7.1 convolutions give wrong results on some CPUs (seen on an AMD EPYC,
/// family 26, with AVX-512): whenever a channel count is not a multiple of 16, the forward pass
/// (input side) or the input gradient (output side) holds garbage or NaN, in float32 as in
/// bfloat16, and differently from run to run; limiting oneDNN to AVX2 does not help. On such a CPU
/// every small CNN would train on wrong gradients. A few small convolutions of those shapes are
/// checked against float64 (which oneDNN does not run) once per process; when they disagree, oneDNN
/// is turned off as torch.backends.mkldnn.enabled = False does, and libtorch's own kernels (correct
/// there, and faster for these sizes on that CPU) take over. This is about right results, not
/// speed, so it always runs, opted in or not, before the first model Distill builds; it changes
/// nothing on a CPU where oneDNN is right.
/// </summary>
internal static class ConvolutionCheck
{
    /// <summary>Checks, and turns oneDNN off for the process where its convolutions are wrong.</summary>
    public static void Run()
    {
        try
        {
            if (ConvolutionsAgreeWithFloat64()) return;
            OneDnnSwitch.DisableForProcess();
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // A libtorch without these C++ symbols: its convolutions run as they are.
        }
    }

    /// <summary>Forward pass and both gradients of convolutions with channel counts off the multiples of 16, float32 against float64.</summary>
    internal static bool ConvolutionsAgreeWithFloat64()
    {
        using var scope = NewDisposeScope();
        using var grad = enable_grad();
        foreach (var (inputs, outputs) in new[] { (20L, 24L), (4L, 8L), (1L, 4L) })
        for (var repeat = 0; repeat < 2; repeat++)
        {
            var x = FixedPattern.Of([32, inputs, 8, 8], 0.37 + repeat);
            var w = FixedPattern.Of([outputs, inputs, 3, 3], 0.61 + repeat) * 0.3;
            var g = FixedPattern.Of([32, outputs, 8, 8], 0.23 + repeat);
            var (y, dx, dw) = Convolve(x, w, g);
            var (y64, dx64, dw64) = Convolve(x.to(ScalarType.Float64), w.to(ScalarType.Float64), g.to(ScalarType.Float64));
            if (!Close(y, y64) || !Close(dx, dx64) || !Close(dw, dw64)) return false;
        }
        return true;
    }

    private static (Tensor Output, Tensor InputGradient, Tensor WeightGradient) Convolve(Tensor x, Tensor w, Tensor g)
    {
        x = x.detach().clone().requires_grad_(true);
        w = w.detach().clone().requires_grad_(true);
        var y = nn.functional.conv2d(x, w, padding: [1, 1]);
        y.mul(g).sum().backward();
        return (y.detach(), x.grad!, w.grad!);
    }

    private static bool Close(Tensor actual, Tensor reference) =>
        actual.to(ScalarType.Float64).sub(reference).abs().max().item<double>() <= 1e-4 * (1 + reference.abs().max().item<double>());
}
