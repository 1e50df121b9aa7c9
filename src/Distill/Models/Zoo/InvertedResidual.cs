using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Distill.Models.Zoo;

/// <summary>
/// MobileNetV2's inverted residual: a 1x1 expansion (conv-bn-relu), a 3x3 depthwise convolution
/// (conv-bn-relu, carrying the stride), a linear 1x1 projection (conv-bn), and the input added back
/// when stride and width allow. As in RepDistiller, the expansion layer exists even for ratio 1.
/// </summary>
public sealed class InvertedResidual : Module<Tensor, Tensor>
{
    private readonly Sequential conv;
    private readonly bool _residual;

    public InvertedResidual(long inputChannels, long outputChannels, long stride, long expansion, Device? device) : base(nameof(InvertedResidual))
    {
        var hidden = inputChannels * expansion;
        conv = Sequential(
            ("expand", Conv2d(inputChannels, hidden, 1, bias: false, device: device)),
            ("bn1", BatchNorm2d(hidden, device: device)),
            ("relu1", ReLU()),
            ("depthwise", Conv2d(hidden, hidden, 3, stride: stride, padding: 1, groups: hidden, bias: false, device: device)),
            ("bn2", BatchNorm2d(hidden, device: device)),
            ("relu2", ReLU()),
            ("project", Conv2d(hidden, outputChannels, 1, bias: false, device: device)),
            ("bn3", BatchNorm2d(outputChannels, device: device)));
        _residual = stride == 1 && inputChannels == outputChannels;
        RegisterComponents();
    }

    /// <summary>Whether the input is added back (stride 1 and equal widths).</summary>
    public bool AddsInput => _residual;

    public override Tensor forward(Tensor input)
    {
        return _residual ? input + conv.call(input) : conv.call(input);
    }
}
