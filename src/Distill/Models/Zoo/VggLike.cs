using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Distill.Models.Zoo;

/// <summary>
/// The small VGG-like student of a Keras knowledge-distillation case study on chest X-rays (pneumonia
/// or not; Analytics Vidhya, "Knowledge Distillation: Theory and End to End Case Study", 2022). The
/// case study gives five conv blocks of 8, 16, 32, 64 and 64 filters, a dense layer of 256 units and
/// about 296k parameters for 224x224x3 images. What we assume, because it reproduces that count: each
/// block is two 3x3 convolutions without padding ("valid"), each followed by ReLU, then 2x2
/// max-pooling; flatten (3x3x64 = 576 values at 224x224), dense 256 + ReLU, then the classifier:
/// 295,690 parameters for 2 classes at 3x224x224. Weights start as Keras' do (Glorot-uniform, zero
/// biases). Valid padding needs inputs of at least 156 pixels a side; <c>vgglike:same</c> pads
/// ("same" convolutions and poolings, as Keras) so that any image size fits.
/// Submodules: block1..block5, pool1..pool5, flatten, fc1, classifier.
/// </summary>
public sealed class VggLike : LayerChain
{
    private static readonly int[] Widths = [8, 16, 32, 64, 64];

    private VggLike(string spec, bool same, IReadOnlyList<long> inputShape, int classCount, Device? device) : base(nameof(VggLike))
    {
        var (channels, height, width) = (inputShape[0], inputShape[1], inputShape[2]);
        for (var b = 0; b < Widths.Length; b++)
        {
            var block = Sequential();
            for (var c = 1; c <= 2; c++)
            {
                block.append("conv" + c, same
                    ? new SameConv2d(channels, Widths[b], 3, 1, device)
                    : Conv2d(channels, Widths[b], 3, device: device));
                block.append("relu" + c, ReLU());
                channels = Widths[b];
                if (!same) (height, width) = (height - 2, width - 2);
            }
            Add("block" + (b + 1), block);
            Add("pool" + (b + 1), same ? new SameMaxPool2d(2, 2) : MaxPool2d(2, 2));
            (height, width) = same ? ((height + 1) / 2, (width + 1) / 2) : (height / 2, width / 2);
            CheckSize(spec, inputShape, height, width, "without padding its five blocks need at least 156 pixels a side; use vgglike:same for small images");
        }
        Add("flatten", Flatten());
        Add("fc1", Sequential(("linear", new MixedLinear(channels * height * width, 256, device)), ("relu", ReLU())));
        Add(ModelBuilder.ClassifierName, new MixedLinear(256, classCount, device) { Float32Output = true });
        ZooInit.Glorot(this);
    }

    /// <summary>Parses the body of <c>vgglike</c> or <c>vgglike:same</c>.</summary>
    public static ZooSpec Parse(string text, string body)
    {
        var padding = body.Trim().ToLowerInvariant();
        if (padding is not ("" or "valid" or "same"))
            throw new DistillException($"Model spec '{text}' has '{body}' where the padding belongs; use vgglike or vgglike:same.");
        return new ZooSpec("vgglike", (shape, classes, device) => new VggLike(text, padding == "same", shape, classes, device));
    }
}
