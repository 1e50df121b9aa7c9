using StbImageWriteSharp;

namespace Distill.Tests.Support;

/// <summary>
/// Writes small learnable image folders: each class lights a different block of the picture (and,
/// in colour, a different channel), with seeded noise, saved as PNG, JPEG or BMP in turn and in
/// two sizes so the reader has to resize.
/// </summary>
public static class SyntheticImages
{
    public static readonly string[] ClassNames = ["cat", "dog", "fox", "owl"];

    /// <summary>One folder per class directly under <paramref name="root"/> (split by ratios when read).</summary>
    public static void WriteFlat(string root, int perClass = 30, bool colour = false, int seed = 3, string[]? formats = null)
    {
        var random = new Random(seed);
        foreach (var (name, label) in ClassNames.Select((n, i) => (n, i)))
            WriteClass(Path.Combine(root, name), label, perClass, colour, random, formats ?? ["png", "jpg", "bmp"]);
    }

    /// <summary>train/, val/ and test/ side by side, each with one folder per class.</summary>
    /// <param name="classes">How many of <see cref="ClassNames"/> to write, from the first (2 makes a two-class task: cat, dog).</param>
    public static void WriteSplit(string root, int trainPerClass = 30, int testPerClass = 10, bool colour = false, bool validation = true, int seed = 3, int classes = 4)
    {
        var random = new Random(seed);
        var parts = validation ? new[] { ("train", trainPerClass), ("val", testPerClass), ("test", testPerClass) } : [("train", trainPerClass), ("test", testPerClass)];
        foreach (var (part, count) in parts)
        foreach (var (name, label) in ClassNames.Take(classes).Select((n, i) => (n, i)))
            WriteClass(Path.Combine(root, part, name), label, count, colour, random, ["png", "jpg", "bmp"]);
    }

    private static void WriteClass(string folder, int label, int count, bool colour, Random random, string[] formats)
    {
        Directory.CreateDirectory(folder);
        for (var i = 0; i < count; i++)
        {
            var side = i % 2 == 0 ? 16 : 20;
            var format = formats[i % formats.Length];
            Write(Path.Combine(folder, $"{i:D3}.{format}"), Picture(label, side, colour, random), side, colour, format);
        }
    }

    public static byte[] Picture(int label, int side, bool colour, Random random)
    {
        var channels = colour ? 3 : 1;
        var pixels = new byte[side * side * channels];
        var block = side / 2;
        var top = label / 2 * block;
        var left = label % 2 * block;
        for (var r = 0; r < side; r++)
        for (var c = 0; c < side; c++)
        for (var k = 0; k < channels; k++)
        {
            var lit = r >= top && r < top + block && c >= left && c < left + block && (!colour || k == label % 3);
            pixels[(r * side + c) * channels + k] = (byte)Math.Clamp((lit ? 200 : 30) + random.Next(-25, 26), 0, 255);
        }
        return pixels;
    }

    public static void Write(string path, byte[] pixels, int side, bool colour, string format)
    {
        var components = colour ? ColorComponents.RedGreenBlue : ColorComponents.Grey;
        using var output = File.Create(path);
        var writer = new ImageWriter();
        switch (format)
        {
            case "png": writer.WritePng(pixels, side, side, components, output); break;
            case "jpg": writer.WriteJpg(pixels, side, side, components, output, 95); break;
            default: writer.WriteBmp(pixels, side, side, components, output); break;
        }
    }
}
