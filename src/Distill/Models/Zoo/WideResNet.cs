using System.Globalization;
using System.Text.RegularExpressions;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Distill.Models.Zoo;

/// <summary>
/// WRN-d-k of Zagoruyko and Komodakis, "Wide Residual Networks" (BMVC 2016), as RepDistiller defines
/// it for CIFAR: a 3x3 stem of 16 filters, three stages of (d-4)/6 pre-activation blocks with 16k, 32k
/// and 64k filters (strides 1, 2, 2), a final batch norm and ReLU, global average pooling and a linear
/// classifier; no dropout. Parameters for CIFAR-100 (100 classes, 3x32x32), counted from the reference
/// definition: wrn-16-2 703,284; wrn-40-1 569,780; wrn-40-2 2,255,156.
/// Submodules: conv1, block1, block2, block3, bn, relu, pool, classifier.
/// </summary>
public sealed partial class WideResNet : Module<Tensor, Tensor>
{
    public const int MaxDepth = 1000;
    public const int MaxWidth = 64;

    private readonly Conv2d conv1;
    private readonly Sequential block1;
    private readonly Sequential block2;
    private readonly Sequential block3;
    private readonly BatchNorm2d bn;
    private readonly ReLU relu;
    private readonly GlobalAveragePool pool;
    private readonly MixedLinear classifier;

    public WideResNet(int depth, int width, long inputChannels, int classCount, Device? device = null) : base(nameof(WideResNet))
    {
        var blocks = (depth - 4) / 6;
        long[] widths = [16, 16 * width, 32 * width, 64 * width];
        conv1 = Conv2d(inputChannels, widths[0], 3, padding: 1, bias: false, device: device);
        block1 = Stage(widths[0], widths[1], blocks, 1, device);
        block2 = Stage(widths[1], widths[2], blocks, 2, device);
        block3 = Stage(widths[2], widths[3], blocks, 2, device);
        bn = BatchNorm2d(widths[3], device: device);
        relu = ReLU();
        pool = new GlobalAveragePool();
        classifier = new MixedLinear(widths[3], classCount, device) { Float32Output = true };
        RegisterComponents();
        ZooInit.HeFanOut(this);
        using var noGrad = no_grad();
        // The reference zeroes the classifier's bias and keeps its default weights.
        foreach (var (name, parameter) in classifier.named_parameters())
            if (name == "bias") parameter.zero_();
    }

    /// <summary>Parses the body of <c>wrn:{depth}-{width}</c>, depth = 6n+4.</summary>
    public static ZooSpec Parse(string text, string body)
    {
        var match = Pattern().Match(body.Trim());
        if (!match.Success)
            throw new DistillException($"Model spec '{text}' has '{body}' where a WRN depth and width belong (wrn:40-2).");
        var depth = int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var d) ? d : int.MaxValue;
        var width = int.TryParse(match.Groups[2].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var w) ? w : int.MaxValue;
        if (depth < 10 || depth > MaxDepth || (depth - 4) % 6 != 0)
            throw new DistillException($"Model spec '{text}' has depth {match.Groups[1].Value}; a wide ResNet has depth 6n+4 between 10 and {MaxDepth} (16, 28, 40).");
        if (width < 1 || width > MaxWidth)
            throw new DistillException($"Model spec '{text}' has width {match.Groups[2].Value}; a wide ResNet's widening factor is between 1 and {MaxWidth}.");
        return new ZooSpec("wrn", (shape, classes, device) => new WideResNet(depth, width, shape[0], classes, device));
    }

    public override Tensor forward(Tensor input)
    {
        var x = block3.call(block2.call(block1.call(conv1.call(input))));
        return classifier.call(pool.call(relu.call(bn.call(x))));
    }

    private static Sequential Stage(long input, long output, int blocks, long stride, Device? device)
    {
        var stage = Sequential();
        for (var i = 0; i < blocks; i++)
            stage.append(i.ToString(CultureInfo.InvariantCulture), new WideBasicBlock(i == 0 ? input : output, output, i == 0 ? stride : 1, device));
        return stage;
    }

    [GeneratedRegex(@"^(\d+)-(\d+)$")]
    private static partial Regex Pattern();
}
