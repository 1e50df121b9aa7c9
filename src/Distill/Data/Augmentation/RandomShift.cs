using static TorchSharp.torch;

namespace Distill.Data.Augmentation;

/// <summary>
/// Random crop with padding: pads every side by <see cref="Padding"/> pixels of black and cuts a
/// window of the original size at a random offset, i.e. shifts each image by a whole number of
/// pixels in [-Padding, Padding] on each axis (the CIFAR recipe of He et al. 2016 uses 4; Hinton et al.
/// 2015, §3 "jittered by up to two pixels" is the same operation, hence its alias "jitter").
/// </summary>
public sealed class RandomShift : IImageTransform
{
    public RandomShift(int padding, string name = "crop")
    {
        if (padding < 1) throw new DistillException($"The {name} padding must be 1 pixel or more, not {padding}.");
        Padding = padding;
        Name = name;
    }

    public int Padding { get; }

    /// <summary>"crop" or "jitter", as the user wrote it.</summary>
    public string Name { get; }

    public string Spec => $"{Name}:{Padding}";

    public void Check(long height, long width)
    {
        // A shift as large as the image leaves only background: every example would be blank.
        if (Padding >= Math.Min(height, width))
            throw new DistillException($"The {Name} of {Padding} pixels is not smaller than the {height}x{width} images; use at most {Math.Min(height, width) - 1}.");
    }

    public Tensor Apply(Tensor images, ImageRange range, Generator generator)
    {
        using var offsets = randint(0, 2 * Padding + 1, [images.shape[0], 2], generator: generator, dtype: ScalarType.Int64);
        return Shift(images, offsets, Padding, range.Black);
    }

    /// <summary>
    /// Each image's window of the padded batch: <paramref name="offsets"/> [N, 2] holds the top row and
    /// left column in the padded image (0 .. 2 * padding), so padding - offset is the shift.
    /// </summary>
    public static Tensor Shift(Tensor images, Tensor offsets, int padding, Tensor black)
    {
        var (n, channels, height, width) = (images.shape[0], images.shape[1], images.shape[2], images.shape[3]);
        using var scope = NewDisposeScope();
        // A black canvas with the images copied in keeps their values bit for bit.
        var padded = black.expand(n, channels, height + 2 * padding, width + 2 * padding).contiguous();
        padded[.., .., padding..(int)(padding + height), padding..(int)(padding + width)] = images;
        // Gather each image's window with one index op: rows and columns offset per image.
        var rows = arange(height, ScalarType.Int64).unsqueeze(0) + offsets[.., 0..1];
        var columns = arange(width, ScalarType.Int64).unsqueeze(0) + offsets[.., 1..2];
        var flatIndex = (rows.unsqueeze(2) * (width + 2 * padding) + columns.unsqueeze(1)).view(n, 1, height * width).expand(n, channels, height * width);
        return padded.flatten(2).gather(2, flatIndex).view(images.shape).MoveToOuterDisposeScope();
    }
}
