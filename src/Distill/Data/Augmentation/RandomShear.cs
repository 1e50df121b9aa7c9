using static TorchSharp.torch;

namespace Distill.Data.Augmentation;

/// <summary>
/// Shears each image horizontally about its centre by an angle drawn uniformly from [-Degrees, Degrees]:
/// row y slides sideways by y * tan(angle), as Keras's shear_range does.
/// </summary>
public sealed class RandomShear : IImageTransform
{
    public RandomShear(double degrees)
    {
        if (!(degrees is > 0 and < 90)) throw new DistillException($"The shear must be above 0 and below 90 degrees, not {degrees}.");
        Degrees = degrees;
    }

    public double Degrees { get; }

    public string Spec => $"shear:{Degrees.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    public Tensor Apply(Tensor images, ImageRange range, Generator generator)
    {
        using var angles = AffineResampler.Symmetric(images.shape[0], Degrees, generator);
        return Shear(images, angles, range.Black);
    }

    /// <summary>Each image sheared by its angle in <paramref name="degrees"/> [N]: output (x, y) reads input (x - y tan a, y).</summary>
    public static Tensor Shear(Tensor images, Tensor degrees, Tensor black)
    {
        using var scope = NewDisposeScope();
        var slope = (degrees.to_type(ScalarType.Float64) * (Math.PI / 180)).tan();
        var one = ones_like(slope);
        var zero = zeros_like(slope);
        var matrices = stack([one, -slope, zero, one], 1).view(-1, 2, 2);
        return AffineResampler.Resample(images, matrices, black).MoveToOuterDisposeScope();
    }
}
