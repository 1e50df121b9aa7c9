using System.Buffers.Binary;
using System.IO.Compression;
using Distill.Data;

namespace Distill.Tests.Support;

/// <summary>
/// Writes small learnable IDX data sets: each class lights a different block of the image, with
/// seeded noise on top, so a tiny model reaches high accuracy in a couple of epochs.
/// </summary>
public static class SyntheticIdx
{
    public static void WriteDataset(string directory, int trainCount = 600, int testCount = 200, int side = 12, int classes = 10, int seed = 7, bool gzip = false)
    {
        Directory.CreateDirectory(directory);
        var random = new Random(seed);
        var (trainImages, trainLabels) = Generate(trainCount, side, classes, random);
        var (testImages, testLabels) = Generate(testCount, side, classes, random);
        var suffix = gzip ? ".gz" : "";
        WriteImages(Path.Combine(directory, DatasetInfo.TrainImages + suffix), trainImages, trainCount, side, side, gzip);
        WriteLabels(Path.Combine(directory, DatasetInfo.TrainLabels + suffix), trainLabels, gzip);
        WriteImages(Path.Combine(directory, DatasetInfo.TestImages + suffix), testImages, testCount, side, side, gzip);
        WriteLabels(Path.Combine(directory, DatasetInfo.TestLabels + suffix), testLabels, gzip);
    }

    public static (byte[] Images, byte[] Labels) Generate(int count, int side, int classes, Random random)
    {
        var images = new byte[count * side * side];
        var labels = new byte[count];
        var block = side / 4;
        for (var i = 0; i < count; i++)
        {
            var label = i % classes;
            labels[i] = (byte)label;
            var top = label / 4 * block;
            var left = label % 4 * block;
            for (var r = 0; r < side; r++)
            for (var c = 0; c < side; c++)
            {
                var inBlock = r >= top && r < top + block && c >= left && c < left + block;
                var value = (inBlock ? 170 : 30) + random.Next(-60, 60);
                images[i * side * side + r * side + c] = (byte)Math.Clamp(value, 0, 255);
            }
        }
        return (images, labels);
    }

    public static byte[] ImagesFile(byte[] pixels, int count, int rows, int columns)
    {
        var bytes = new byte[16 + pixels.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, IdxReader.ImagesMagic);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), rows);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(12), columns);
        pixels.CopyTo(bytes, 16);
        return bytes;
    }

    public static byte[] LabelsFile(byte[] labels)
    {
        var bytes = new byte[8 + labels.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, IdxReader.LabelsMagic);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), labels.Length);
        labels.CopyTo(bytes, 8);
        return bytes;
    }

    public static void WriteImages(string path, byte[] pixels, int count, int rows, int columns, bool gzip = false) =>
        Write(path, ImagesFile(pixels, count, rows, columns), gzip);

    public static void WriteLabels(string path, byte[] labels, bool gzip = false) => Write(path, LabelsFile(labels), gzip);

    private static void Write(string path, byte[] bytes, bool gzip)
    {
        if (!gzip)
        {
            File.WriteAllBytes(path, bytes);
            return;
        }
        using var file = File.Create(path);
        using var stream = new GZipStream(file, CompressionLevel.Fastest);
        stream.Write(bytes);
    }
}
