using static TorchSharp.torch;

namespace Distill.Data.Augmentation;

/// <summary>
/// Scales each image's intensity by a factor drawn uniformly from [1 - Strength, 1 + Strength]:
/// the distance of every pixel from black is multiplied, then clipped at white (as torchvision's
/// adjust_brightness blends with a black image and clamps to the valid range).
/// </summary>
public sealed class RandomBrightness : IImageTransform
{
    public RandomBrightness(double strength)
    {
        if (!(strength is > 0 and < 1)) throw new DistillException($"The brightness strength must be above 0 and below 1, not {strength}.");
        Strength = strength;
    }

    public double Strength { get; }

    public string Spec => $"brightness:{Strength.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    public Tensor Apply(Tensor images, ImageRange range, Generator generator)
    {
        using var draws = rand([images.shape[0]], generator: generator);
        using var factors = draws.mul(2 * Strength).add_(1 - Strength);
        return Scale(images, factors, range);
    }

    /// <summary>black + factor * (image - black), clipped to [black, white]; <paramref name="factors"/> is [N].</summary>
    public static Tensor Scale(Tensor images, Tensor factors, ImageRange range)
    {
        using var scope = NewDisposeScope();
        var scaled = (images - range.Black) * factors.view(-1, 1, 1, 1) + range.Black;
        return scaled.clamp(range.Black, range.White).MoveToOuterDisposeScope();
    }
}
