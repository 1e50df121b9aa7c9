using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Examples;

/// <summary>
/// A teacher of your own for 28x28 grey images in 10 classes: two convolution stages, then a linear
/// classifier. Public with a parameterless constructor, so `distill eval --assembly` can rebuild it.
/// </summary>
public sealed class Teacher : Module<Tensor, Tensor>
{
    private readonly Sequential features;
    private readonly Sequential classifier;

    public Teacher() : base(nameof(Teacher))
    {
        features = Sequential(
            ("conv1", Conv2d(1, 16, 3, padding: 1)), ("relu1", ReLU()), ("pool1", MaxPool2d(2)),
            ("conv2", Conv2d(16, 32, 3, padding: 1)), ("relu2", ReLU()), ("pool2", MaxPool2d(2)));
        classifier = Sequential(("flatten", Flatten()), ("fc", Linear(32 * 7 * 7, 10)));
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) => classifier.call(features.call(input));
}
