using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Distill.Models.Zoo;

/// <summary>
/// LeNet-5 (LeCun, Bottou, Bengio, Haffner 1998) as DAFL (Chen et al. 2019, "Data-Free Learning of
/// Student Networks") uses it on MNIST: 5x5 convolutions of 6 and 16 filters, each followed by ReLU and
/// 2x2 max-pooling, then dense layers of 120 and 84 units and the classifier. The first convolution pads
/// by 2, so a 28x28 digit meets the second convolution at the 14x14 a 32x32 one reaches without padding;
/// the 120-unit layer is dense over the 16 maps (LeNet's conv3 is that layer when the maps are 5x5).
/// <c>lenet5-half</c> is DAFL's student: half the filters and units (3, 8, 60, 42).
/// Submodules: conv1, pool1, conv2, pool2, flatten, fc1, fc2, classifier; fc2's output is the
/// penultimate feature DAFL's activation loss reads. Parameters for MNIST (1x28x28, 10 classes):
/// lenet5 61,706; lenet5-half 15,738.
/// </summary>
public sealed class LeNet5 : LayerChain
{
    private LeNet5(string spec, int divisor, IReadOnlyList<long> inputShape, int classCount, Device? device) : base(nameof(LeNet5))
    {
        var (channels, height, width) = (inputShape[0], inputShape[1], inputShape[2]);
        long c1 = 6 / divisor, c2 = 16 / divisor, h1 = 120 / divisor, h2 = 84 / divisor;
        Add("conv1", Sequential(("conv", Conv2d(channels, c1, 5, padding: 2, device: device)), ("relu", ReLU())));
        Add("pool1", MaxPool2d(2, 2));
        (height, width) = (height / 2 - 4, width / 2 - 4);
        Add("conv2", Sequential(("conv", Conv2d(c1, c2, 5, device: device)), ("relu", ReLU())));
        Add("pool2", MaxPool2d(2, 2));
        (height, width) = (height / 2, width / 2);
        CheckSize(spec, inputShape, height, width, "LeNet-5 needs at least 12 pixels a side");
        Add("flatten", Flatten());
        Add("fc1", Sequential(("linear", new MixedLinear(c2 * height * width, h1, device)), ("relu", ReLU())));
        Add("fc2", Sequential(("linear", new MixedLinear(h1, h2, device)), ("relu", ReLU())));
        Add(ModelBuilder.ClassifierName, new MixedLinear(h2, classCount, device) { Float32Output = true });
    }

    /// <summary>The zoo's two LeNet-5 kinds: the paper's teacher and DAFL's half-width student.</summary>
    public static IEnumerable<ZooArchitecture> Architectures =>
    [
        new("lenet5", "lenet5", "LeNet-5 (LeCun et al. 1998) as DAFL's MNIST teacher: conv6-5x5, pool, conv16-5x5, pool, fc120, fc84",
            ["lenet5"], (text, body) => Parse(text, body, "lenet5", 1)),
        new("lenet5-half", "lenet5-half", "LeNet-5-half, DAFL's MNIST student (Chen et al. 2019): half the filters and units of lenet5",
            ["lenet5-half"], (text, body) => Parse(text, body, "lenet5-half", 2)),
    ];

    private static ZooSpec Parse(string text, string body, string kind, int divisor)
    {
        if (body.Trim().Length > 0)
            throw new DistillException($"Model spec '{text}' takes no options after '{kind}'; write {kind}.");
        return new ZooSpec(kind, (shape, classes, device) => new LeNet5(text, divisor, shape, classes, device));
    }
}
