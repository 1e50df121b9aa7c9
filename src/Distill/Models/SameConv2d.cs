using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Distill.Models;

/// <summary>
/// A 2-D convolution with Keras "same" padding, for any stride. With a <see cref="ComputeType"/>
/// (mixed precision) it convolves a cast of its float32 weights through
/// <see cref="ChannelPaddedConvolution"/>, so gradients reach the float32 weights.
/// </summary>
public sealed class SameConv2d : Module<Tensor, Tensor>, IMixedPrecisionLayer
{
    private readonly Conv2d conv;
    private readonly int _kernel;
    private readonly int _stride;
    private readonly bool _symmetric;

    public SameConv2d(long inputChannels, long outputChannels, int kernel, int stride, Device? device = null) : base(nameof(SameConv2d))
    {
        _kernel = kernel;
        _stride = stride;
        // With stride 1 and an odd kernel, "same" padding is (kernel - 1) / 2 on every side whatever the
        // input size: the convolution pads by itself, without a padded copy of its input per call.
        _symmetric = stride == 1 && kernel % 2 == 1;
        conv = Conv2d(inputChannels, outputChannels, kernel, stride: stride, padding: _symmetric ? kernel / 2 : 0, device: device);
        RegisterComponents();
    }

    public int Kernel => _kernel;

    public int Stride => _stride;

    public ScalarType? ComputeType { get; set; }

    public override Tensor forward(Tensor input)
    {
        if (_symmetric)
            return ComputeType is { } symmetricType
                ? ChannelPaddedConvolution.Conv2d(input, conv.weight!, conv.bias, _stride, symmetricType, _kernel / 2)
                : conv.call(input);
        var (top, bottom) = SamePadding.For(input.shape[2], _kernel, _stride);
        var (left, right) = SamePadding.For(input.shape[3], _kernel, _stride);
        var unpadded = top == 0 && bottom == 0 && left == 0 && right == 0;
        using var padded = unpadded ? input.alias() : functional.pad(input, [left, right, top, bottom]);
        return ComputeType is { } type
            ? ChannelPaddedConvolution.Conv2d(padded, conv.weight!, conv.bias, _stride, type)
            : conv.call(padded);
    }
}
