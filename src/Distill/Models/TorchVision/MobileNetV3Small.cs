using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Models.TorchVision;

/// <summary>
/// MobileNetV3-Small (Howard et al. 2019, "Searching for MobileNetV3", Table 2) as torchvision 0.14
/// builds it (<c>mobilenet_v3_small</c>): batch norm with eps 0.001 and momentum 0.01, squeeze-and-
/// excitation to a quarter of the expanded width (rounded to a multiple of 8), a 576-1024 hidden
/// layer with hard swish and dropout 0.2 before the classifier. The TorchVision package builds it
/// with 1000 classes only, hence this file. Submodules: <c>features.0</c> .. <c>features.12</c>,
/// <c>avgpool</c>, <c>classifier.0</c> .. <c>classifier.3</c> (the head), as in torchvision.
/// </summary>
internal sealed class MobileNetV3Small : PooledClassifier
{
    // input, kernel, expanded, output, squeeze-and-excitation, hard swish, stride (Table 2).
    private static readonly (long In, long Kernel, long Expanded, long Out, bool Squeeze, bool HardSwish, long Stride)[] Blocks =
    [
        (16, 3, 16, 16, true, false, 2), (16, 3, 72, 24, false, false, 2), (24, 3, 88, 24, false, false, 1),
        (24, 5, 96, 40, true, true, 2), (40, 5, 240, 40, true, true, 1), (40, 5, 240, 40, true, true, 1),
        (40, 5, 120, 48, true, true, 1), (48, 5, 144, 48, true, true, 1), (48, 5, 288, 96, true, true, 2),
        (96, 5, 576, 96, true, true, 1), (96, 5, 576, 96, true, true, 1),
    ];

    public MobileNetV3Small(int classCount)
        : base(nameof(MobileNetV3Small), Features(), nn.Sequential(nn.Linear(576, 1024), nn.Hardswish(), nn.Dropout(0.2), nn.Linear(1024, classCount))) =>
        TorchVisionInit.Apply(this, linearStd: 0.01);

    private static nn.Module<Tensor, Tensor> Features()
    {
        static nn.Module<Tensor, Tensor> Norm(long channels) => nn.BatchNorm2d(channels, eps: 0.001, momentum: 0.01);
        static nn.Module<Tensor, Tensor> HardSwish(bool inplace) => nn.Hardswish(inplace);
        static nn.Module<Tensor, Tensor> Relu(bool inplace) => nn.ReLU(inplace);
        var layers = new List<nn.Module<Tensor, Tensor>> { torchvision.ops.Conv2dNormActivation(3, 16, kernel_size: 3, stride: 2, norm_layer: Norm, activation_layer: HardSwish) };
        foreach (var b in Blocks)
            layers.Add(new InvertedBottleneck(b.In, b.Expanded, b.Out, b.Kernel, b.Stride, b.Squeeze ? Divisible(b.Expanded / 4) : 0,
                b.HardSwish ? HardSwish : Relu, (() => nn.ReLU(), () => nn.Hardsigmoid()), Norm, dropPath: 0));
        layers.Add(torchvision.ops.Conv2dNormActivation(96, 576, kernel_size: 1, norm_layer: Norm, activation_layer: HardSwish));
        return nn.Sequential(layers);
    }

    /// <summary>torchvision's <c>_make_divisible(v, 8)</c>: the nearest multiple of 8, never more than 10 % below v.</summary>
    private static long Divisible(long value)
    {
        var rounded = Math.Max(8, (value + 4) / 8 * 8);
        return rounded < 0.9 * value ? rounded + 8 : rounded;
    }
}
