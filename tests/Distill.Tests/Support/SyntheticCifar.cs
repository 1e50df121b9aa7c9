namespace Distill.Tests.Support;

/// <summary>
/// Writes CIFAR-10 or CIFAR-100 files in the official binary format: per record, the label
/// byte(s) then 1024 red, 1024 green and 1024 blue bytes. Each class lights a different quadrant
/// in a different colour, so a small model learns it.
/// </summary>
public static class SyntheticCifar
{
    public const int RecordPixels = 3072;

    /// <summary>CIFAR-10: data_batch_1..batches.bin and test_batch.bin, with batches.meta.txt naming the classes.</summary>
    public static void WriteCifar10(string folder, int perBatch = 40, int batches = 2, int testCount = 40, int seed = 5)
    {
        Directory.CreateDirectory(folder);
        var random = new Random(seed);
        for (var b = 1; b <= batches; b++)
            File.WriteAllBytes(Path.Combine(folder, $"data_batch_{b}.bin"), Records(perBatch, 10, labelBytes: 1, random));
        File.WriteAllBytes(Path.Combine(folder, "test_batch.bin"), Records(testCount, 10, labelBytes: 1, random));
        File.WriteAllLines(Path.Combine(folder, "batches.meta.txt"), ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck", ""]);
    }

    /// <summary>CIFAR-100: train.bin and test.bin, coarse label (fine / 5) then fine label.</summary>
    public static void WriteCifar100(string folder, int trainCount = 400, int testCount = 100, int seed = 5)
    {
        Directory.CreateDirectory(folder);
        var random = new Random(seed);
        File.WriteAllBytes(Path.Combine(folder, "train.bin"), Records(trainCount, 100, labelBytes: 2, random));
        File.WriteAllBytes(Path.Combine(folder, "test.bin"), Records(testCount, 100, labelBytes: 2, random));
    }

    public static byte[] Records(int count, int classes, int labelBytes, Random random)
    {
        var record = labelBytes + RecordPixels;
        var bytes = new byte[count * record];
        for (var i = 0; i < count; i++)
        {
            var label = i % classes;
            var start = i * record;
            if (labelBytes == 2) bytes[start] = (byte)(label / 5);
            bytes[start + labelBytes - 1] = (byte)label;
            for (var channel = 0; channel < 3; channel++)
            for (var r = 0; r < 32; r++)
            for (var c = 0; c < 32; c++)
            {
                var lit = (r / 16 * 2 + c / 16) == label % 4 && channel == label % 3;
                bytes[start + labelBytes + channel * 1024 + r * 32 + c] = (byte)Math.Clamp((lit ? 200 : 40) + random.Next(-20, 21), 0, 255);
            }
        }
        return bytes;
    }
}
