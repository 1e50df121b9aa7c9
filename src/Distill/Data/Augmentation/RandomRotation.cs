using static TorchSharp.torch;

namespace Distill.Data.Augmentation;

/// <summary>Rotates each image about its centre by an angle drawn uniformly from [-Degrees, Degrees], bilinear, corners filled with black.</summary>
public sealed class RandomRotation : IImageTransform
{
    public RandomRotation(double degrees)
    {
        if (!(degrees is > 0 and <= 180)) throw new DistillException($"The rotation must be above 0 and at most 180 degrees, not {degrees}.");
        Degrees = degrees;
    }

    public double Degrees { get; }

    public string Spec => $"rotate:{Degrees.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    public Tensor Apply(Tensor images, ImageRange range, Generator generator)
    {
        using var angles = AffineResampler.Symmetric(images.shape[0], Degrees, generator);
        return Rotate(images, angles, range.Black);
    }

    /// <summary>Each image turned clockwise on screen (y points down) by its angle in <paramref name="degrees"/> [N].</summary>
    public static Tensor Rotate(Tensor images, Tensor degrees, Tensor black)
    {
        using var scope = NewDisposeScope();
        var radians = degrees.to_type(ScalarType.Float64) * (Math.PI / 180);
        var (cos, sin) = (radians.cos(), radians.sin());
        // Output pixel p reads input R(-angle) p.
        var matrices = stack([cos, sin, -sin, cos], 1).view(-1, 2, 2);
        return AffineResampler.Resample(images, matrices, black).MoveToOuterDisposeScope();
    }
}
