using System.Globalization;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Distill.Models.Zoo;

/// <summary>
/// VGG with batch norm (Simonyan and Zisserman, "Very Deep Convolutional Networks for Large-Scale Image
/// Recognition", ICLR 2015) as RepDistiller defines it for CIFAR: five blocks of 3x3 conv-bn-relu
/// (configurations S, A, B, D for VGG-8, 11, 13, 16), max-pooling between the first four, global
/// average pooling and one linear layer (the fully connected layers of ImageNet VGG are removed). As
/// in the reference, the pooling after the fourth block runs only for inputs of 64 pixels or more, so a
/// 32x32 input reaches the last two blocks at 4x4. Parameters for CIFAR-100 (100 classes, 3x32x32),
/// counted from the reference definition: vgg8 3,965,028; vgg11 9,277,284; vgg13 9,462,180;
/// vgg16 14,774,436. Submodules: block0..block4, pool0..pool3, pool, classifier.
/// </summary>
public sealed class VggCifar : Module<Tensor, Tensor>
{
    private static readonly Dictionary<int, int[][]> Configurations = new()
    {
        [8] = [[64], [128], [256], [512], [512]],
        [11] = [[64], [128], [256, 256], [512, 512], [512, 512]],
        [13] = [[64, 64], [128, 128], [256, 256], [512, 512], [512, 512]],
        [16] = [[64, 64], [128, 128], [256, 256, 256], [512, 512, 512], [512, 512, 512]],
    };

    private readonly Sequential block0;
    private readonly MaxPool2d pool0;
    private readonly Sequential block1;
    private readonly MaxPool2d pool1;
    private readonly Sequential block2;
    private readonly MaxPool2d pool2;
    private readonly Sequential block3;
    private readonly MaxPool2d pool3;
    private readonly Sequential block4;
    private readonly GlobalAveragePool pool;
    private readonly MixedLinear classifier;
    private readonly bool _poolAfterBlock3;

    public VggCifar(int depth, IReadOnlyList<long> inputShape, int classCount, Device? device = null) : base(nameof(VggCifar))
    {
        var configuration = Configurations[depth];
        var channels = inputShape[0];
        Sequential Block(int[] widths)
        {
            var block = Sequential();
            for (var i = 0; i < widths.Length; i++)
            {
                var index = i.ToString(CultureInfo.InvariantCulture);
                block.append("conv" + index, Conv2d(channels, widths[i], 3, padding: 1, device: device));
                block.append("bn" + index, BatchNorm2d(widths[i], device: device));
                block.append("relu" + index, ReLU());
                channels = widths[i];
            }
            return block;
        }
        block0 = Block(configuration[0]);
        block1 = Block(configuration[1]);
        block2 = Block(configuration[2]);
        block3 = Block(configuration[3]);
        block4 = Block(configuration[4]);
        pool0 = MaxPool2d(2, 2);
        pool1 = MaxPool2d(2, 2);
        pool2 = MaxPool2d(2, 2);
        pool3 = MaxPool2d(2, 2);
        pool = new GlobalAveragePool();
        classifier = new MixedLinear(channels, classCount, device) { Float32Output = true };
        _poolAfterBlock3 = inputShape.Count == 3 && inputShape[1] >= 64;
        RegisterComponents();
        ZooInit.HeFanOut(this, smallDense: true);
    }

    /// <summary>Parses the body of <c>vgg:{8|11|13|16}</c>.</summary>
    public static ZooSpec Parse(string text, string body)
    {
        if (!int.TryParse(body.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var depth) || !Configurations.ContainsKey(depth))
            throw new DistillException($"Model spec '{text}' has '{body}' where a VGG depth belongs; use 8, 11, 13 or 16.");
        return new ZooSpec("vgg", (shape, classes, device) => new VggCifar(depth, shape, classes, device));
    }

    /// <summary>Whether block3 is followed by pool3 (inputs of 64 pixels or more a side).</summary>
    public bool PoolsAfterBlock3 => _poolAfterBlock3;

    public override Tensor forward(Tensor input)
    {
        var x = pool2.call(block2.call(pool1.call(block1.call(pool0.call(block0.call(input))))));
        x = block3.call(x);
        if (_poolAfterBlock3) x = pool3.call(x);
        return classifier.call(pool.call(block4.call(x)));
    }
}
