using System.Globalization;
using System.Text.RegularExpressions;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Distill.Models.Zoo;

/// <summary>
/// The CIFAR ResNet of He, Zhang, Ren, Sun, "Deep Residual Learning for Image Recognition" (CVPR 2016,
/// section 4.2), as RepDistiller (Tian et al., CRD, ICLR 2020) defines it: a 3x3 stem of 16 filters,
/// three stages of n basic blocks with 16, 32 and 64 filters (strides 1, 2, 2), depth 6n+2, global
/// average pooling and a linear classifier. The "x4" variants (resnet8x4, resnet32x4) use a stem of 32
/// and stages of 64, 128 and 256 filters. Parameters for CIFAR-100 (100 classes, 3x32x32), counted
/// from the reference definition: resnet8 83,892; resnet14 181,108; resnet20 278,324; resnet32
/// 472,756; resnet56 861,620; resnet110 1,736,564; resnet8x4 1,233,540; resnet32x4 7,433,860.
/// Submodules: conv1, bn1, relu, layer1, layer2, layer3, pool, classifier.
/// </summary>
public sealed partial class ResNetCifar : Module<Tensor, Tensor>
{
    /// <summary>The deepest network the spec accepts (the paper's deepest CIFAR net has 1202 layers).</summary>
    public const int MaxDepth = 1202;

    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly ReLU relu;
    private readonly Sequential layer1;
    private readonly Sequential layer2;
    private readonly Sequential layer3;
    private readonly GlobalAveragePool pool;
    private readonly MixedLinear classifier;

    public ResNetCifar(int depth, bool wide, long inputChannels, int classCount, Device? device = null) : base(nameof(ResNetCifar))
    {
        long[] widths = wide ? [32, 64, 128, 256] : [16, 16, 32, 64];
        var blocks = (depth - 2) / 6;
        conv1 = Conv2d(inputChannels, widths[0], 3, padding: 1, bias: false, device: device);
        bn1 = BatchNorm2d(widths[0], device: device);
        relu = ReLU();
        layer1 = Stage(widths[0], widths[1], blocks, 1, device);
        layer2 = Stage(widths[1], widths[2], blocks, 2, device);
        layer3 = Stage(widths[2], widths[3], blocks, 2, device);
        pool = new GlobalAveragePool();
        classifier = new MixedLinear(widths[3], classCount, device) { Float32Output = true };
        RegisterComponents();
        ZooInit.HeFanOut(this);
    }

    /// <summary>Parses the body of <c>resnet:{depth}[x4]</c>, depth = 6n+2.</summary>
    public static ZooSpec Parse(string text, string body)
    {
        var match = Pattern().Match(body.Trim().ToLowerInvariant());
        if (!match.Success)
            throw new DistillException($"Model spec '{text}' has '{body}' where a ResNet depth belongs (resnet:20, resnet:8x4).");
        var depth = int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var d) ? d : int.MaxValue;
        if (depth < 8 || depth > MaxDepth || (depth - 2) % 6 != 0)
            throw new DistillException($"Model spec '{text}' has depth {match.Groups[1].Value}; a CIFAR ResNet has depth 6n+2 between 8 and {MaxDepth} (8, 14, 20, 32, 56, 110).");
        var wide = match.Groups[2].Success;
        return new ZooSpec("resnet", (shape, classes, device) => new ResNetCifar(depth, wide, shape[0], classes, device));
    }

    public override Tensor forward(Tensor input)
    {
        var x = relu.call(bn1.call(conv1.call(input)));
        x = layer3.call(layer2.call(layer1.call(x)));
        return classifier.call(pool.call(x));
    }

    private static Sequential Stage(long input, long output, int blocks, long stride, Device? device)
    {
        var stage = Sequential();
        for (var i = 0; i < blocks; i++)
            stage.append(i.ToString(CultureInfo.InvariantCulture), new BasicBlock(i == 0 ? input : output, output, i == 0 ? stride : 1, device));
        return stage;
    }

    [GeneratedRegex(@"^(\d+)(x4)?$")]
    private static partial Regex Pattern();
}
