using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Distill.Models.Zoo;

/// <summary>
/// The pre-activation block of wide residual networks: bn-relu-conv3x3-bn-relu-conv3x3, added to the
/// input, or to a 1x1 convolution (named <c>shortcut</c>) of the activated input when the shape changes.
/// The ReLUs are modules (<c>relu1</c>, <c>relu2</c>, no parameters) so quantization-aware training sees their outputs.
/// </summary>
public sealed class WideBasicBlock : Module<Tensor, Tensor>
{
    private readonly BatchNorm2d bn1;
    private readonly ReLU relu1;
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn2;
    private readonly ReLU relu2;
    private readonly Conv2d conv2;
    private readonly Conv2d? shortcut;

    public WideBasicBlock(long inputChannels, long outputChannels, long stride, Device? device) : base(nameof(WideBasicBlock))
    {
        bn1 = BatchNorm2d(inputChannels, device: device);
        relu1 = ReLU();
        conv1 = Conv2d(inputChannels, outputChannels, 3, stride: stride, padding: 1, bias: false, device: device);
        bn2 = BatchNorm2d(outputChannels, device: device);
        relu2 = ReLU();
        conv2 = Conv2d(outputChannels, outputChannels, 3, padding: 1, bias: false, device: device);
        if (inputChannels != outputChannels)
            shortcut = Conv2d(inputChannels, outputChannels, 1, stride: stride, bias: false, device: device);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        var activated = relu1.call(bn1.call(input));
        var residual = conv2.call(relu2.call(bn2.call(conv1.call(activated))));
        // As in the reference: the identity path takes the raw input, the projection the activated one.
        var sum = residual + (shortcut is null ? input : shortcut.call(activated));
        return sum;
    }
}
