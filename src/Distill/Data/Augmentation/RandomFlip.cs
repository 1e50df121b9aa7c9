using static TorchSharp.torch;

namespace Distill.Data.Augmentation;

/// <summary>Mirrors each image left-right ("hflip") or top-bottom ("vflip") with probability <see cref="Probability"/>.</summary>
public sealed class RandomFlip : IImageTransform
{
    public RandomFlip(bool vertical, double probability = 0.5)
    {
        var name = vertical ? "vflip" : "hflip";
        if (!(probability is > 0 and <= 1)) throw new DistillException($"The {name} probability must be above 0 and at most 1, not {probability}.");
        Vertical = vertical;
        Probability = probability;
    }

    public bool Vertical { get; }

    public double Probability { get; }

    public string Spec => (Vertical ? "vflip" : "hflip") + (Probability == 0.5 ? "" : $":{Probability.ToString(System.Globalization.CultureInfo.InvariantCulture)}");

    public Tensor Apply(Tensor images, ImageRange range, Generator generator)
    {
        using var draws = rand([images.shape[0]], generator: generator);
        using var flip = draws.lt(Probability);
        return Flip(images, flip, Vertical);
    }

    /// <summary>The batch with the images where <paramref name="flip"/> [N] is true mirrored.</summary>
    public static Tensor Flip(Tensor images, Tensor flip, bool vertical)
    {
        using var mirrored = images.flip(vertical ? 2 : 3);
        using var mask = flip.view(-1, 1, 1, 1);
        return where(mask, mirrored, images);
    }
}
