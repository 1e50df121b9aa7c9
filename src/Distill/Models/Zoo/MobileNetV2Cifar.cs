using System.Globalization;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Distill.Models.Zoo;

/// <summary>
/// MobileNetV2 of Sandler et al., "MobileNetV2: Inverted Residuals and Linear Bottlenecks" (CVPR 2018),
/// as RepDistiller defines it for CIFAR (after Jin et al.'s route-constrained optimisation code): a
/// stride-2 3x3 stem of 32w filters, seven stages of inverted residuals (expansion 6, except 1 in the
/// first; widths 16, 24, 32, 64, 96, 160, 320 times w, truncated; strides 1, 1, 2, 2, 1, 2, 1), a 1x1
/// convolution to 1280 channels (1280w when w > 1), global average pooling and a linear classifier.
/// RepDistiller's "MobileNetV2" is w = 0.5: 812,836 parameters for CIFAR-100 (100 classes, 3x32x32),
/// counted from the reference definition. Submodules: conv1, block1..block7, conv2, pool, classifier.
/// </summary>
public sealed class MobileNetV2Cifar : Module<Tensor, Tensor>
{
    public const double MaxWidth = 4;

    // Expansion, width, blocks, stride of each stage.
    private static readonly (int Expansion, int Width, int Blocks, int Stride)[] Stages =
        [(1, 16, 1, 1), (6, 24, 2, 1), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)];

    private readonly Sequential conv1;
    private readonly Sequential block1;
    private readonly Sequential block2;
    private readonly Sequential block3;
    private readonly Sequential block4;
    private readonly Sequential block5;
    private readonly Sequential block6;
    private readonly Sequential block7;
    private readonly Sequential conv2;
    private readonly GlobalAveragePool pool;
    private readonly MixedLinear classifier;

    public MobileNetV2Cifar(double width, long inputChannels, int classCount, Device? device = null) : base(nameof(MobileNetV2Cifar))
    {
        var channels = (long)(32 * width);
        conv1 = ConvBnRelu(inputChannels, channels, 3, 2, device);
        var stages = new Sequential[Stages.Length];
        for (var s = 0; s < Stages.Length; s++)
        {
            var (expansion, stageWidth, blocks, stride) = Stages[s];
            var output = (long)(stageWidth * width);
            stages[s] = Sequential();
            for (var i = 0; i < blocks; i++)
            {
                stages[s].append(i.ToString(CultureInfo.InvariantCulture), new InvertedResidual(channels, output, i == 0 ? stride : 1, expansion, device));
                channels = output;
            }
        }
        (block1, block2, block3, block4, block5, block6, block7) = (stages[0], stages[1], stages[2], stages[3], stages[4], stages[5], stages[6]);
        var last = width > 1 ? (long)(1280 * width) : 1280;
        conv2 = ConvBnRelu(channels, last, 1, 1, device);
        pool = new GlobalAveragePool();
        classifier = new MixedLinear(last, classCount, device) { Float32Output = true };
        RegisterComponents();
        ZooInit.HeFanOut(this, smallDense: true);
    }

    /// <summary>Parses the body of <c>mobilenetv2[:{width}]</c> (width multiplier, default 0.5 as RepDistiller's).</summary>
    public static ZooSpec Parse(string text, string body)
    {
        var width = 0.5;
        if (body.Trim().Length > 0
            && (!double.TryParse(body.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out width) || !(width > 0 && width <= MaxWidth) || (long)(16 * width) < 1))
            throw new DistillException($"Model spec '{text}' has '{body}' where a width multiplier belongs; use a number from 0.0625 to {MaxWidth} (mobilenetv2:0.5).");
        return new ZooSpec("mobilenetv2", (shape, classes, device) => new MobileNetV2Cifar(width, shape[0], classes, device));
    }

    public override Tensor forward(Tensor input)
    {
        var x = conv1.call(input);
        foreach (var block in (Sequential[])[block1, block2, block3, block4, block5, block6, block7]) x = block.call(x);
        return classifier.call(pool.call(conv2.call(x)));
    }

    private static Sequential ConvBnRelu(long input, long output, long kernel, long stride, Device? device) => Sequential(
        ("conv", Conv2d(input, output, kernel, stride: stride, padding: kernel / 2, bias: false, device: device)),
        ("bn", BatchNorm2d(output, device: device)),
        ("relu", ReLU()));
}
