using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Models.TorchVision;

/// <summary>
/// The inverted bottleneck of MobileNetV3 (Howard et al. 2019, "Searching for MobileNetV3") and
/// EfficientNet's MBConv (Tan &amp; Le 2019): a 1x1 expansion (left out at ratio 1), a depthwise
/// convolution, an optional squeeze-and-excitation, and a linear 1x1 projection; the input is added
/// back when the shape allows, after stochastic depth (EfficientNet only, identity in eval mode).
/// Submodules as in torchvision's <c>InvertedResidual</c> and <c>MBConv</c>: <c>block.0</c> ..
/// <c>block.N</c>, each a conv-norm-activation <c>Sequential</c> (0 conv, 1 norm) or the
/// squeeze-and-excitation (<c>fc1</c>, <c>fc2</c>), so torchvision's weights load by name.
/// </summary>
internal sealed class InvertedBottleneck : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> block;
    private readonly nn.Module<Tensor, Tensor> stochastic_depth;
    private readonly bool _residual;

    /// <param name="squeezeChannels">Channels of the squeeze-and-excitation's bottleneck; 0 leaves it out.</param>
    /// <param name="squeezeActivation">The excitation's inner and gating activations (torchvision: ReLU and hard sigmoid in MobileNetV3, SiLU and sigmoid in EfficientNet).</param>
    /// <param name="dropPath">Stochastic depth probability of the residual branch (Huang et al. 2016), 0 for none.</param>
    public InvertedBottleneck(long input, long expanded, long output, long kernel, long stride, long squeezeChannels,
        Func<bool, nn.Module<Tensor, Tensor>> activation, (Func<nn.Module<Tensor, Tensor>> Inner, Func<nn.Module<Tensor, Tensor>> Gate) squeezeActivation,
        Func<long, nn.Module<Tensor, Tensor>> norm, double dropPath) : base(nameof(InvertedBottleneck))
    {
        _residual = stride == 1 && input == output;
        var layers = new List<nn.Module<Tensor, Tensor>>();
        if (expanded != input)
            layers.Add(torchvision.ops.Conv2dNormActivation(input, expanded, kernel_size: 1, norm_layer: norm, activation_layer: activation));
        layers.Add(torchvision.ops.Conv2dNormActivation(expanded, expanded, kernel_size: kernel, stride: stride, groups: expanded, norm_layer: norm, activation_layer: activation));
        if (squeezeChannels > 0)
            layers.Add(torchvision.ops.SqueezeExcitation(expanded, squeezeChannels, squeezeActivation.Inner, squeezeActivation.Gate));
        layers.Add(torchvision.ops.Conv2dNormActivation(expanded, output, kernel_size: 1, norm_layer: norm, activation_layer: null));
        block = nn.Sequential(layers);
        stochastic_depth = torchvision.ops.StochasticDepth(dropPath, torchvision.StochasticDepth.Mode.Row);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        var result = block.call(input);
        return _residual ? stochastic_depth.call(result) + input : result;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            block.Dispose();
            stochastic_depth.Dispose();
        }
        base.Dispose(disposing);
    }
}
