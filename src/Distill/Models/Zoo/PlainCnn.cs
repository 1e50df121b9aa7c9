using System.Globalization;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Distill.Models.Zoo;

/// <summary>
/// The plain convolutional networks of Mirzadeh et al., "Improved Knowledge Distillation via Teacher
/// Assistant" (AAAI 2020), with 2, 4, 6, 8 or 10 layers, in their CIFAR-10 configurations (the TAKD
/// repository's <c>plane_cifar10_book</c>): 3x3 conv-bn-relu layers of 16 to 256 filters, 2x2
/// max-pooling after each pair, flatten, then for 8 and 10 layers a hidden dense layer (64 or 128
/// units), and a linear classifier. Parameters for CIFAR-10 (10 classes, 3x32x32), counted from the
/// reference definition: plane2 13,082; plane4 37,338; plane6 82,778; plane8 327,962; plane10 2,487,850.
/// Submodules: conv1..convN, pool1.., flatten, fc1 (8 and 10 layers), classifier.
/// </summary>
public sealed class PlainCnn : LayerChain
{
    // 'M' is a 2x2 max-pooling; 'F' a hidden dense layer; other numbers are conv widths.
    private static readonly Dictionary<int, (int[] Layers, int Hidden)> Configurations = new()
    {
        [2] = ([16, 'M', 16, 'M'], 0),
        [4] = ([16, 16, 'M', 32, 32, 'M'], 0),
        [6] = ([16, 16, 'M', 32, 32, 'M', 64, 64, 'M'], 0),
        [8] = ([16, 16, 'M', 32, 32, 'M', 64, 64, 'M', 128, 128, 'M'], 64),
        [10] = ([32, 32, 'M', 64, 64, 'M', 128, 128, 'M', 256, 256, 256, 256, 'M'], 128),
    };

    private PlainCnn(string spec, int layers, IReadOnlyList<long> inputShape, int classCount, Device? device) : base(nameof(PlainCnn))
    {
        var (configuration, hidden) = Configurations[layers];
        var (channels, height, width) = (inputShape[0], inputShape[1], inputShape[2]);
        int convs = 0, pools = 0;
        foreach (var item in configuration)
        {
            if (item == 'M')
            {
                Add("pool" + ++pools, MaxPool2d(2, 2));
                (height, width) = (height / 2, width / 2);
                CheckSize(spec, inputShape, height, width, $"its {Configurations[layers].Layers.Count(i => i == 'M')} poolings need at least {1 << pools} pixels a side");
                continue;
            }
            Add("conv" + ++convs, Sequential(
                ("conv", Conv2d(channels, item, 3, padding: 1, device: device)),
                ("bn", BatchNorm2d(item, device: device)),
                ("relu", ReLU())));
            channels = item;
        }
        Add("flatten", Flatten());
        var features = channels * height * width;
        if (hidden > 0)
        {
            Add("fc1", Sequential(("linear", new MixedLinear(features, hidden, device)), ("relu", ReLU())));
            features = hidden;
        }
        Add(ModelBuilder.ClassifierName, new MixedLinear(features, classCount, device) { Float32Output = true });
    }

    /// <summary>Parses the body of <c>plaincnn:{2|4|6|8|10}</c>.</summary>
    public static ZooSpec Parse(string text, string body)
    {
        if (!int.TryParse(body.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var layers) || !Configurations.ContainsKey(layers))
            throw new DistillException($"Model spec '{text}' has '{body}' where a number of layers belongs; use 2, 4, 6, 8 or 10.");
        return new ZooSpec("plaincnn", (shape, classes, device) => new PlainCnn(text, layers, shape, classes, device));
    }
}
