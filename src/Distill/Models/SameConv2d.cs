using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Distill.Models;

/// <summary>A 2-D convolution with Keras "same" padding, for any stride.</summary>
public sealed class SameConv2d : Module<Tensor, Tensor>
{
    private readonly Conv2d conv;
    private readonly int _kernel;
    private readonly int _stride;

    public SameConv2d(long inputChannels, long outputChannels, int kernel, int stride, Device? device = null) : base(nameof(SameConv2d))
    {
        _kernel = kernel;
        _stride = stride;
        conv = Conv2d(inputChannels, outputChannels, kernel, stride: stride, device: device);
        RegisterComponents();
    }

    public int Kernel => _kernel;

    public int Stride => _stride;

    public override Tensor forward(Tensor input)
    {
        var (top, bottom) = SamePadding.For(input.shape[2], _kernel, _stride);
        var (left, right) = SamePadding.For(input.shape[3], _kernel, _stride);
        if (top == 0 && bottom == 0 && left == 0 && right == 0) return conv.call(input);
        using var padded = functional.pad(input, [left, right, top, bottom]);
        return conv.call(padded);
    }
}
