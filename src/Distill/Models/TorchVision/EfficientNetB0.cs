using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Models.TorchVision;

/// <summary>
/// EfficientNet-B0 (Tan &amp; Le 2019, "EfficientNet: Rethinking Model Scaling for Convolutional Neural
/// Networks", Table 1) as torchvision 0.14 builds it (<c>efficientnet_b0</c>): seven stages of MBConv
/// blocks with SiLU, squeeze-and-excitation to a quarter of each block's input width, stochastic depth
/// rising linearly to 0.2 over the 16 blocks, a 1x1 convolution to 1280 channels, dropout 0.2 and the
/// classifier. The TorchVision package has no EfficientNet, hence this file. Submodules:
/// <c>features.0</c> .. <c>features.8</c> (stages are <c>Sequential</c>s of blocks), <c>avgpool</c>,
/// <c>classifier.0</c> (dropout) and <c>classifier.1</c> (the head), as in torchvision.
/// </summary>
internal sealed class EfficientNetB0 : PooledClassifier
{
    // expand ratio, kernel, stride, input, output, blocks (torchvision's _efficientnet_conf at width and depth 1).
    private static readonly (long Expand, long Kernel, long Stride, long In, long Out, int Blocks)[] Stages =
    [
        (1, 3, 1, 32, 16, 1), (6, 3, 2, 16, 24, 2), (6, 5, 2, 24, 40, 2), (6, 3, 2, 40, 80, 3),
        (6, 5, 1, 80, 112, 3), (6, 5, 2, 112, 192, 4), (6, 3, 1, 192, 320, 1),
    ];

    private const double StochasticDepth = 0.2;

    public EfficientNetB0(int classCount) : base(nameof(EfficientNetB0), Features(), nn.Sequential(nn.Dropout(0.2), nn.Linear(1280, classCount))) =>
        TorchVisionInit.Apply(this, linearStd: null);

    private static nn.Module<Tensor, Tensor> Features()
    {
        static nn.Module<Tensor, Tensor> Norm(long channels) => nn.BatchNorm2d(channels);
        static nn.Module<Tensor, Tensor> Silu(bool inplace) => nn.SiLU(inplace);
        var layers = new List<nn.Module<Tensor, Tensor>> { torchvision.ops.Conv2dNormActivation(3, 32, kernel_size: 3, stride: 2, norm_layer: Norm, activation_layer: Silu) };
        var total = Stages.Sum(s => s.Blocks);
        var index = 0;
        foreach (var stage in Stages)
        {
            var blocks = new List<nn.Module<Tensor, Tensor>>();
            for (var b = 0; b < stage.Blocks; b++, index++)
            {
                var input = b == 0 ? stage.In : stage.Out;
                blocks.Add(new InvertedBottleneck(input, input * stage.Expand, stage.Out, stage.Kernel, b == 0 ? stage.Stride : 1, Math.Max(1, input / 4),
                    Silu, (() => nn.SiLU(), () => nn.Sigmoid()), Norm, StochasticDepth * index / total));
            }
            layers.Add(nn.Sequential(blocks));
        }
        layers.Add(torchvision.ops.Conv2dNormActivation(320, 1280, kernel_size: 1, norm_layer: Norm, activation_layer: Silu));
        return nn.Sequential(layers);
    }
}
