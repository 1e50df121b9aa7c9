using Distill.Models;
using Distill.Tests.Support;
using static TorchSharp.torch;
using Distill.Native;

namespace Distill.Tests.Models;

/// <summary>
/// The bfloat16 convolution against float64 on the same bfloat16-rounded values, so only the
/// kernel differs: libtorch's own bfloat16 convolution is 22-80 % off for these channel counts.
/// float64 is the reference because oneDNN does not run it (its float32 kernels are wrong on some
/// CPUs too, ConvolutionCheck).
/// </summary>
[Collection(OneDnnSwitching.Name)]
public sealed class ChannelPaddedConvolutionTests
{
    // bfloat16 keeps 8 significant bits; sums of a few hundred products stay within ~1 %.
    private const float Tolerance = 0.02f;

    [Theory]
    [InlineData(1, 8, 1, true)]
    [InlineData(1, 32, 1, false)]
    [InlineData(3, 16, 2, true)]
    [InlineData(8, 4, 1, true)]
    [InlineData(8, 8, 2, true)]
    [InlineData(16, 32, 1, true)]
    [InlineData(32, 8, 2, true)]
    [InlineData(16, 24, 1, true)]
    [InlineData(20, 32, 1, false)]
    public void Bfloat16_output_and_gradients_match_float32_for_any_channel_count(int inputs, int outputs, int stride, bool inputNeedsGradient)
    {
        using var scope = NewDisposeScope();
        manual_seed(inputs * 100 + outputs);
        var weight = Rounded(randn(outputs, inputs, 3, 3) * 0.3).requires_grad_();
        var bias = Rounded(randn(outputs) * 0.1).requires_grad_();
        var input = Rounded(randn(16, inputs, 14, 14)).requires_grad_(inputNeedsGradient);

        var upstream = randn(16, outputs, (14 - 3) / stride + 1, (14 - 3) / stride + 1);
        var expected = Float64Convolution(input, weight, bias, stride, upstream);

        // With oneDNN on, as training in bfloat16 runs it, also where this process turned it off.
        NativeRuntime.EnsureReady();
        Tensor fast;
        using (OneDnnSwitch.WhereCorrect([]))
            fast = ChannelPaddedConvolution.Conv2d(input, weight, bias, stride, ScalarType.BFloat16);
        Assert.Equal(ScalarType.BFloat16, fast.dtype);
        Assert.Equal(upstream.shape, fast.shape);
        // Stored channels-last, the layout oneDNN computes in, unless padded channels were cut off.
        Assert.Equal(outputs % ChannelPaddedConvolution.ChannelBlock == 0, ChannelsLast.Holds(fast));
        using (OneDnnSwitch.WhereCorrect([]))
            (fast.to(ScalarType.Float32) * upstream).sum().backward();

        AssertClose("output", expected.Output, fast.detach().to(ScalarType.Float32));
        AssertClose("weight gradient", expected.Weight, weight.grad!);
        AssertClose("bias gradient", expected.Bias, bias.grad!);
        Assert.Equal(ScalarType.Float32, weight.grad!.dtype);
        if (inputNeedsGradient) AssertClose("input gradient", expected.Input!, input.grad!);
        else Assert.Null(input.grad);
    }

    [Fact]
    public void A_same_padded_layer_in_bfloat16_matches_its_float32_self_and_returns_to_float32()
    {
        using var scope = NewDisposeScope();
        manual_seed(5);
        using var layer = new SameConv2d(1, 8, 3, 2);
        var input = Rounded(randn(8, 1, 15, 15));
        foreach (var p in layer.parameters()) p.detach().copy_(Rounded(p.detach()));
        var exact = layer.call(input).detach();

        layer.ComputeType = ScalarType.BFloat16;
        NativeRuntime.EnsureReady();
        Tensor fast;
        using (OneDnnSwitch.WhereCorrect([layer]))
        {
            fast = layer.call(input);
            fast.to(ScalarType.Float32).sum().backward();
        }
        layer.ComputeType = null;

        AssertClose("output", exact, fast.detach().to(ScalarType.Float32));
        Assert.All(layer.parameters(), p => Assert.True(p.grad!.abs().sum().item<float>() > 0));
        Assert.Equal(ScalarType.Float32, layer.call(input).dtype);
    }

    /// <summary>Output and gradients of the convolution in float64, returned in float32.</summary>
    private static (Tensor Output, Tensor Weight, Tensor Bias, Tensor? Input) Float64Convolution(Tensor input, Tensor weight, Tensor bias, int stride, Tensor upstream)
    {
        var x = input.detach().to(ScalarType.Float64).requires_grad_(input.requires_grad);
        var w = weight.detach().to(ScalarType.Float64).requires_grad_();
        var b = bias.detach().to(ScalarType.Float64).requires_grad_();
        var output = nn.functional.conv2d(x, w, b, strides: [stride, stride]);
        (output * upstream.to(ScalarType.Float64)).sum().backward();
        return (output.detach().to(ScalarType.Float32), w.grad!.to(ScalarType.Float32), b.grad!.to(ScalarType.Float32), x.grad?.to(ScalarType.Float32));
    }

    private static Tensor Rounded(Tensor t) => t.to(ScalarType.BFloat16).to(ScalarType.Float32);

    private static void AssertClose(string what, Tensor expected, Tensor actual)
    {
        Assert.False(actual.isnan().any().item<bool>(), $"the bfloat16 {what} has NaN");
        var error = (actual - expected).abs().max().item<float>() / expected.abs().max().item<float>();
        Assert.True(error < Tolerance, $"the bfloat16 {what} is off by {error:P1} of its largest float32 value");
    }
}
