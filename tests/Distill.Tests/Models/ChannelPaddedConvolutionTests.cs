using Distill.Models;
using static TorchSharp.torch;

namespace Distill.Tests.Models;

/// <summary>
/// The bfloat16 convolution against float32 on the same bfloat16-rounded values, so only the
/// kernel differs: libtorch's own bfloat16 convolution is 22-80 % off for these channel counts.
/// </summary>
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
    public void Bfloat16_output_and_gradients_match_float32_for_any_channel_count(int inputs, int outputs, int stride, bool inputNeedsGradient)
    {
        using var scope = NewDisposeScope();
        manual_seed(inputs * 100 + outputs);
        var weight = Rounded(randn(outputs, inputs, 3, 3) * 0.3).requires_grad_();
        var bias = Rounded(randn(outputs) * 0.1).requires_grad_();
        var input = Rounded(randn(16, inputs, 14, 14)).requires_grad_(inputNeedsGradient);

        var exact = nn.functional.conv2d(input, weight, bias, strides: [stride, stride]);
        var upstream = randn_like(exact);
        (exact * upstream).sum().backward();
        var expected = (Output: exact.detach(), Weight: weight.grad!.clone(), Bias: bias.grad!.clone(), Input: input.grad?.clone());
        foreach (var t in new[] { weight, bias, input }) t.grad?.zero_();

        var fast = ChannelPaddedConvolution.Conv2d(input, weight, bias, stride, ScalarType.BFloat16);
        Assert.Equal(ScalarType.BFloat16, fast.dtype);
        Assert.Equal(exact.shape, fast.shape);
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
        var fast = layer.call(input);
        fast.to(ScalarType.Float32).sum().backward();
        layer.ComputeType = null;

        AssertClose("output", exact, fast.detach().to(ScalarType.Float32));
        Assert.All(layer.parameters(), p => Assert.True(p.grad!.abs().sum().item<float>() > 0));
        Assert.Equal(ScalarType.Float32, layer.call(input).dtype);
    }

    private static Tensor Rounded(Tensor t) => t.to(ScalarType.BFloat16).to(ScalarType.Float32);

    private static void AssertClose(string what, Tensor expected, Tensor actual)
    {
        Assert.False(actual.isnan().any().item<bool>(), $"the bfloat16 {what} has NaN");
        var error = (actual - expected).abs().max().item<float>() / expected.abs().max().item<float>();
        Assert.True(error < Tolerance, $"the bfloat16 {what} is off by {error:P1} of its largest float32 value");
    }
}
