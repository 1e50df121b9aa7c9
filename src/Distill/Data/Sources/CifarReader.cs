namespace Distill.Data.Sources;

/// <summary>
/// Reads one file of the CIFAR binary format: records of label bytes
/// (CIFAR-10: the class; CIFAR-100: coarse, then fine) followed by 3072 pixel bytes (1024 red,
/// 1024 green, 1024 blue, each 32x32 row-major).
/// </summary>
public static class CifarReader
{
    public const int Side = 32;
    public const int PixelBytes = 3 * Side * Side;

    // Far above any real CIFAR file (50,000 records is 154 MB), far below an allocation that hurts.
    private const long MaxFileBytes = 1L << 31;

    /// <summary>Pixels (record after record) and the label at <paramref name="labelIndex"/> of each record.</summary>
    public static (byte[] Pixels, byte[] Labels) Read(string path, int labelBytes, int labelIndex, int classCount, string setName)
    {
        var recordBytes = labelBytes + PixelBytes;
        var info = new FileInfo(path);
        if (!info.Exists) throw new DataFormatException($"CIFAR file '{path}' does not exist.");
        if (info.Length == 0 || info.Length % recordBytes != 0 || info.Length > MaxFileBytes)
            throw new DataFormatException(
                $"'{path}' is truncated or not a {setName} binary file: its {info.Length:N0} bytes are not a whole number of {recordBytes:N0}-byte records.");
        var count = (int)(info.Length / recordBytes);
        var bytes = File.ReadAllBytes(path);
        var pixels = new byte[(long)count * PixelBytes];
        var labels = new byte[count];
        for (var i = 0; i < count; i++)
        {
            var record = (long)i * recordBytes;
            labels[i] = bytes[record + labelIndex];
            if (labels[i] >= classCount)
                throw new DataFormatException(
                    $"'{path}' record {i} has label {labels[i]}, outside the {classCount} {setName} classes, so it is not a {setName} file.");
            Buffer.BlockCopy(bytes, (int)record + labelBytes, pixels, i * PixelBytes, PixelBytes);
        }
        return (pixels, labels);
    }
}
