using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Distill.Models;

/// <summary>
/// Max-pooling with Keras "same" padding: padded cells never win the max.
///
/// libtorch 2.10's CPU max-pooling is slow forward on contiguous (NCHW) images and slow backward
/// on channels-last (NHWC) ones: for 128x32x28x28 float32, 2x2 windows, one thread, forward 18-22 ms
/// NCHW against 1.2-1.6 ms NHWC, while the NCHW backward takes 1-3 ms (bench/RESULTS.md, "Issue 15,
/// third pass", item 2); it was half of a small CNN's training step. So the maxima are always found
/// on a channels-last copy. Without autograd that is all. With it, windows that do not overlap are
/// one autograd node whose backward is max_unpool2d (<see cref="DisjointWindowsMaxPool"/>), and
/// overlapping windows gather the output from the input at the winning positions (backward: a
/// scatter-add). Either way the values and the gradient are max_pool2d's: each output gradient goes
/// back to the one position that won its window, the first in the window on ties in both kernels,
/// which <c>SameMaxPool2dTests</c> checks against max_pool2d.
/// </summary>
public sealed class SameMaxPool2d : Module<Tensor, Tensor>
{
    private readonly int _size;
    private readonly int _stride;

    public SameMaxPool2d(int size, int stride) : base(nameof(SameMaxPool2d))
    {
        _size = size;
        _stride = stride;
    }

    public int Kernel => _size;

    public int Stride => _stride;

    public override Tensor forward(Tensor input)
    {
        var (top, bottom) = SamePadding.For(input.shape[2], _size, _stride);
        var (left, right) = SamePadding.For(input.shape[3], _size, _stride);
        var unpadded = top == 0 && bottom == 0 && left == 0 && right == 0;
        using var padded = unpadded ? input.alias() : functional.pad(input, [left, right, top, bottom], PaddingModes.Constant, double.NegativeInfinity);
        if (!padded.requires_grad)
            using (var channelsLast = ChannelsLast.Of(padded))
            using (var pooled = functional.max_pool2d(channelsLast, [_size, _size], [_stride, _stride]))
                return InLayoutOf(padded, pooled);
        if (_size == _stride && padded.shape[2] % _size == 0 && padded.shape[3] % _size == 0)
            return DisjointWindowsMaxPool.apply(padded, _size);
        Tensor positions;
        using (no_grad())
        using (var channelsLast = ChannelsLast.Of(padded))
        {
            var (values, indices) = functional.max_pool2d_with_indices(channelsLast, [_size, _size], [_stride, _stride]);
            values.Dispose();
            using (indices) positions = indices.contiguous();
        }
        using (positions)
        using (var planes = padded.flatten(2))
        using (var flatPositions = positions.flatten(2))
        using (var gathered = planes.gather(2, flatPositions))
            return gathered.view(positions.shape);
    }

    /// <summary>
    /// A result computed channels-last, in the layout of the input it came from: an input already
    /// channels-last (a bfloat16 convolution's output) keeps it, so the next convolution and this
    /// layer's backward need no copy; any other input gets contiguous NCHW back, as max_pool2d returns it.
    /// </summary>
    private static Tensor InLayoutOf(Tensor input, Tensor result) => ChannelsLast.Holds(input) ? result.alias() : result.contiguous();

    /// <summary>
    /// Max-pooling over windows that do not overlap (size = stride), as one autograd node: forward
    /// on a channels-last copy, backward by libtorch's max_unpool2d, which puts each output gradient
    /// at its window's winning position, as max_pool2d's backward does when no position can win two
    /// windows; a gather would need a scatter-add, measured 1.3-1.8x slower for the whole pooling.
    /// max_unpool2d gets no output size: TorchSharp 0.107 drops the one given and libtorch then
    /// refuses the call; without it the size is windows x size, the padded input's.
    /// </summary>
    private sealed class DisjointWindowsMaxPool : autograd.SingleTensorFunction<DisjointWindowsMaxPool>
    {
        public override string Name => nameof(DisjointWindowsMaxPool);

        public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
        {
            var input = (Tensor)vars[0];
            var size = (int)vars[1];
            using var channelsLast = ChannelsLast.Of(input);
            var (values, indices) = functional.max_pool2d_with_indices(channelsLast, [size, size], [size, size]);
            using (values)
            using (indices)
            {
                ctx.save_for_backward([InLayoutOf(input, indices)]);
                ctx.save_data("size", size);
                return InLayoutOf(input, values);
            }
        }

        public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradient)
        {
            var size = (long)(int)ctx.get_data("size");
            var positions = ctx.get_saved_variables()[0];
            // The gradient in the positions' layout, which max_unpool2d computes in without copying them.
            using var laidOut = ChannelsLast.Holds(positions) ? ChannelsLast.Of(gradient) : gradient.contiguous();
            // One gradient per argument of apply; the window size has none.
            return [functional.max_unpool2d(laidOut, positions, [size, size], [size, size], [0, 0], null), null!];
        }
    }
}
