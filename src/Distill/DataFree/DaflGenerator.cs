using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Distill.DataFree;

/// <summary>
/// DAFL's generator (Chen et al. 2019; the authors' DAFL_train.py, a DCGAN-like network): z of
/// <c>latent</c> values -> dense to 128 maps of a quarter of the image's size -> batch norm -> 2x
/// nearest upsampling -> conv3x3 128 -> batch norm (eps 0.8, as the authors' code) -> LeakyReLU 0.2 ->
/// 2x upsampling -> conv3x3 64 -> batch norm (eps 0.8) -> LeakyReLU 0.2 -> conv3x3 to the image's
/// channels -> tanh -> batch norm without affine parameters, so the images come out standardised per
/// channel as the teacher's inputs are. Sizes not divisible by 4 are met by the last upsampling.
/// </summary>
public sealed class DaflGenerator : Module<Tensor, Tensor>
{
    private readonly Linear dense;
    private readonly BatchNorm2d norm0;
    private readonly Sequential block1;
    private readonly Sequential block2;
    private readonly long _height;
    private readonly long _width;
    private readonly long _startHeight;
    private readonly long _startWidth;

    /// <param name="imageShape">The teacher's input: channels, height, width.</param>
    public DaflGenerator(int latent, IReadOnlyList<long> imageShape) : base(nameof(DaflGenerator))
    {
        var (channels, height, width) = (imageShape[0], imageShape[1], imageShape[2]);
        (_height, _width) = (height, width);
        (_startHeight, _startWidth) = (Math.Max(1, height / 4), Math.Max(1, width / 4));
        dense = Linear(latent, 128 * _startHeight * _startWidth);
        norm0 = BatchNorm2d(128);
        block1 = Sequential(("conv", Conv2d(128, 128, 3, padding: 1)), ("bn", BatchNorm2d(128, eps: 0.8)), ("act", LeakyReLU(0.2)));
        block2 = Sequential(("conv1", Conv2d(128, 64, 3, padding: 1)), ("bn1", BatchNorm2d(64, eps: 0.8)), ("act", LeakyReLU(0.2)),
            ("conv2", Conv2d(64, channels, 3, padding: 1)), ("tanh", Tanh()), ("bn2", BatchNorm2d(channels, affine: false)));
        RegisterComponents();
    }

    public override Tensor forward(Tensor z)
    {
        var x = norm0.call(dense.call(z).view(z.shape[0], 128, _startHeight, _startWidth));
        x = functional.interpolate(x, size: [_startHeight * 2, _startWidth * 2], mode: InterpolationMode.Nearest);
        x = block1.call(x);
        x = functional.interpolate(x, size: [_height, _width], mode: InterpolationMode.Nearest);
        return block2.call(x);
    }
}
