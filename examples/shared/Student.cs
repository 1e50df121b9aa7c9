using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Examples;

/// <summary>A student of your own, four times narrower than <see cref="Teacher"/>, with its own layer names.</summary>
public sealed class Student : Module<Tensor, Tensor>
{
    private readonly Sequential body;
    private readonly Linear head;

    public Student() : base(nameof(Student))
    {
        body = Sequential(
            ("conv1", Conv2d(1, 4, 3, padding: 1)), ("act1", ReLU()), ("pool1", MaxPool2d(2)),
            ("conv2", Conv2d(4, 8, 3, padding: 1)), ("act2", ReLU()), ("pool2", MaxPool2d(2)), ("flatten", Flatten()));
        head = Linear(8 * 7 * 7, 10);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) => head.call(body.call(input));
}
