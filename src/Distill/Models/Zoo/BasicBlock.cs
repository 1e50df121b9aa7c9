using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Distill.Models.Zoo;

/// <summary>
/// The two-convolution residual block of He et al. 2016 (post-activation): conv3x3-bn-relu-conv3x3-bn,
/// plus the input (through a 1x1 convolution and batch norm named <c>shortcut</c> when the shape
/// changes), then ReLU. The inner ReLU is a module (<c>relu1</c>, no parameters) so quantization-aware
/// training and feature taps see its output, as in torchvision.
/// </summary>
public sealed class BasicBlock : Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly ReLU relu1;
    private readonly Conv2d conv2;
    private readonly BatchNorm2d bn2;
    private readonly Sequential? shortcut;

    public BasicBlock(long inputChannels, long outputChannels, long stride, Device? device) : base(nameof(BasicBlock))
    {
        conv1 = Conv2d(inputChannels, outputChannels, 3, stride: stride, padding: 1, bias: false, device: device);
        bn1 = BatchNorm2d(outputChannels, device: device);
        relu1 = ReLU();
        conv2 = Conv2d(outputChannels, outputChannels, 3, padding: 1, bias: false, device: device);
        bn2 = BatchNorm2d(outputChannels, device: device);
        if (stride != 1 || inputChannels != outputChannels)
            shortcut = Sequential(
                ("conv", Conv2d(inputChannels, outputChannels, 1, stride: stride, bias: false, device: device)),
                ("bn", BatchNorm2d(outputChannels, device: device)));
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        var residual = bn2.call(conv2.call(relu1.call(bn1.call(conv1.call(input)))));
        var sum = residual + (shortcut is null ? input : shortcut.call(input));
        return functional.relu(sum);
    }
}
