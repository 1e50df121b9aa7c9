using Distill.Losses;
using static TorchSharp.torch;

namespace Distill.Data.Augmentation;

/// <summary>
/// Scales each image about its centre by a factor drawn uniformly from [1 - Amount, 1 + Amount]:
/// above 1 zooms in (the border is cut off), below 1 zooms out (a black border appears).
/// </summary>
public sealed class RandomZoom : IImageTransform
{
    public RandomZoom(double amount)
    {
        if (!(amount is > 0 and < 1)) throw new DistillException($"The zoom amount must be above 0 and below 1, not {amount}.");
        Amount = amount;
    }

    public double Amount { get; }

    public string Spec => $"zoom:{Amount.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    public Tensor Apply(Tensor images, ImageRange range, Generator generator)
    {
        using var offsets = AffineResampler.Symmetric(images.shape[0], Amount, generator);
        using var factors = offsets.add(HeldScalar.One);
        return Zoom(images, factors, range.Black);
    }

    /// <summary>Each image magnified by its factor in <paramref name="factors"/> [N].</summary>
    public static Tensor Zoom(Tensor images, Tensor factors, Tensor black)
    {
        using var scope = NewDisposeScope();
        var inverse = factors.to_type(ScalarType.Float64).reciprocal();
        var zero = zeros_like(inverse);
        var matrices = stack([inverse, zero, zero, inverse], 1).view(-1, 2, 2);
        return AffineResampler.Resample(images, matrices, black).MoveToOuterDisposeScope();
    }
}
