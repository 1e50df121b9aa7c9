using Distill.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Tests.Models;

/// <summary>
/// SameMaxPool2d finds the maxima on a channels-last copy and gathers them (for speed); it must give
/// exactly the values and the gradient of libtorch's max_pool2d on the "same"-padded input, for
/// NCHW inputs and for channels-last ones (what a bfloat16 convolution returns), whose layout the
/// result keeps where the windows do not overlap.
/// </summary>
public sealed class SameMaxPool2dTests
{
    public static TheoryData<int, int, int, int, string, bool> Cases => new()
    {
        { 2, 2, 28, 28, "float32", false },
        { 2, 2, 7, 9, "float32", false },   // odd sizes: "same" padding on the bottom and right
        { 3, 2, 14, 13, "float32", false }, // overlapping windows: one position can win two windows
        { 3, 1, 6, 6, "float32", false },
        { 2, 2, 14, 14, "bfloat16", false },
        { 2, 2, 14, 14, "bfloat16", true },
        { 2, 2, 28, 28, "float32", true },
        { 2, 2, 7, 9, "bfloat16", true },
        { 3, 2, 14, 13, "float32", true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Values_and_gradients_equal_max_pool2d_on_the_padded_input(int kernel, int stride, int height, int width, string type, bool channelsLast)
    {
        using var scope = NewDisposeScope();
        var dtype = type == "float32" ? ScalarType.Float32 : ScalarType.BFloat16;
        manual_seed(5);
        // Rounded values after a ReLU: many ties inside a window (zeros and repeated integers), where the kernels must pick the same winner.
        var input = randn(4, 3, height, width).mul(2).round().relu().to(dtype);
        if (channelsLast) input = ChannelsLast.Of(input);
        var pool = new SameMaxPool2d(kernel, stride);

        var x = input.detach().requires_grad_(true);
        var y = pool.call(x);
        var outputGradient = randn(y.shape).to(dtype);
        y.backward([outputGradient]);

        var (top, bottom) = SamePadding.For(height, kernel, stride);
        var (left, right) = SamePadding.For(width, kernel, stride);
        var xr = input.detach().requires_grad_(true);
        var yr = nn.functional.max_pool2d(nn.functional.pad(xr, [left, right, top, bottom], PaddingModes.Constant, double.NegativeInfinity),
            [kernel, kernel], [stride, stride]);
        yr.backward([outputGradient]);

        Assert.Equal(yr.shape, y.shape);
        Assert.True(y.eq(yr).all().item<bool>(), "pooled values differ from max_pool2d");
        Assert.True(x.grad!.eq(xr.grad!).all().item<bool>(), "input gradient differs from max_pool2d's");
        // Disjoint windows on a channels-last input stay channels-last (padding keeps the layout); everything else is returned NCHW.
        var keepsLayout = channelsLast && kernel == stride;
        Assert.True(keepsLayout ? ChannelsLast.Holds(y) && !y.is_contiguous() : y.is_contiguous());
        using (no_grad())
            Assert.True(pool.call(input).eq(yr).all().item<bool>(), "values without autograd differ from max_pool2d");
    }
}
