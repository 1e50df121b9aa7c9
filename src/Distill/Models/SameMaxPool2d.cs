using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Distill.Models;

/// <summary>Max-pooling with Keras "same" padding: padded cells never win the max.</summary>
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
        using var padded = functional.pad(input, [left, right, top, bottom], PaddingModes.Constant, double.NegativeInfinity);
        return functional.max_pool2d(padded, [_size, _size], [_stride, _stride]);
    }
}
