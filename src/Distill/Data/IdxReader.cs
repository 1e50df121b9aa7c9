using System.Buffers.Binary;
using System.IO.Compression;

namespace Distill.Data;

/// <summary>
/// Reads the IDX format of MNIST and Fashion-MNIST (plain or gzipped). Every header field is
/// checked against the bytes actually present before anything large is allocated.
/// </summary>
public static class IdxReader
{
    public const int ImagesMagic = 0x00000803;
    public const int LabelsMagic = 0x00000801;

    // Far above any real IDX set (MNIST is 60,000 x 28 x 28), far below an allocation that hurts.
    private const long MaxPayloadBytes = 1L << 31;
    private const int MaxSide = 4096;

    public static ImageSet ReadImages(string path)
    {
        using var stream = Open(path);
        var header = ReadExactly(stream, 16, path, "header");
        CheckMagic(path, header, ImagesMagic, "images");
        var count = ReadDimension(header, 4, path, "image count", int.MaxValue);
        var rows = ReadDimension(header, 8, path, "row count", MaxSide);
        var columns = ReadDimension(header, 12, path, "column count", MaxSide);
        var payload = (long)count * rows * columns;
        var pixels = ReadPayload(stream, path, payload, $"{count} images of {rows}x{columns}");
        return new ImageSet(pixels, count, rows, columns);
    }

    /// <summary>The image count an images file's header states, read without its pixels (for checks before a run starts).</summary>
    public static int ReadImageCount(string path)
    {
        using var stream = Open(path);
        var header = ReadExactly(stream, 16, path, "header");
        CheckMagic(path, header, ImagesMagic, "images");
        return ReadDimension(header, 4, path, "image count", int.MaxValue);
    }

    public static byte[] ReadLabels(string path)
    {
        using var stream = Open(path);
        var header = ReadExactly(stream, 8, path, "header");
        CheckMagic(path, header, LabelsMagic, "labels");
        var count = ReadDimension(header, 4, path, "label count", int.MaxValue);
        return ReadPayload(stream, path, count, $"{count} labels");
    }

    private static Stream Open(string path)
    {
        if (!File.Exists(path)) throw new DataFormatException($"Data file '{path}' does not exist.");
        // A pipe or device would block the read forever or never end; on Linux every such file, and
        // only such files besides empty ones, report a length of 0, so this refuses them before opening.
        if (new FileInfo(path).Length == 0)
            throw new DataFormatException($"Data file '{path}' is empty or is not a regular file (a pipe or a device), so it holds no IDX data.");
        var file = File.OpenRead(path);
        Span<byte> start = stackalloc byte[2];
        var read = file.Read(start);
        file.Position = 0;
        return read == 2 && start[0] == 0x1f && start[1] == 0x8b
            ? new GZipStream(file, CompressionMode.Decompress)
            : file;
    }

    private static void CheckMagic(string path, byte[] header, int expected, string kind)
    {
        var magic = BinaryPrimitives.ReadInt32BigEndian(header);
        if (magic != expected)
            throw new DataFormatException(
                $"'{path}' is not an IDX {kind} file: magic number 0x{magic:x8}, expected 0x{expected:x8}.");
    }

    private static int ReadDimension(byte[] header, int offset, string path, string what, int max)
    {
        var value = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(offset));
        if (value <= 0 || value > max)
            throw new DataFormatException($"'{path}' has an invalid {what} in its header: {value}.");
        return value;
    }

    private static byte[] ReadPayload(Stream stream, string path, long payload, string claim)
    {
        if (payload > MaxPayloadBytes)
            throw new DataFormatException($"'{path}' claims {claim}, more than Distill will read ({payload:N0} bytes).");
        if (stream is FileStream file && file.Length - file.Position != payload)
            throw new DataFormatException(file.Length - file.Position < payload
                ? $"'{path}' is truncated: its header claims {claim} ({payload:N0} bytes) but only {file.Length - file.Position:N0} follow."
                : $"'{path}' has {file.Length - file.Position - payload:N0} unexpected bytes after the {claim} its header claims.");
        // A gzip stream's length is unknown until read, so its buffer grows with the bytes that
        // really arrive instead of trusting the header's claim.
        var data = stream is FileStream ? ReadExactly(stream, (int)payload, path, claim) : ReadGrowing(stream, (int)payload, path, claim);
        if (ReadTrailingByte(stream, path) != -1)
            throw new DataFormatException($"'{path}' has unexpected bytes after the {claim} its header claims.");
        return data;
    }

    private static int ReadTrailingByte(Stream stream, string path)
    {
        try
        {
            return stream.ReadByte();
        }
        catch (InvalidDataException)
        {
            throw new DataFormatException($"'{path}' is a corrupt gzip file.");
        }
    }

    private static byte[] ReadGrowing(Stream stream, int length, string path, string what)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[1 << 20];
        try
        {
            while (buffer.Length < length)
            {
                var read = stream.Read(chunk, 0, (int)Math.Min(chunk.Length, length - buffer.Length));
                if (read == 0) break;
                buffer.Write(chunk, 0, read);
            }
        }
        catch (InvalidDataException)
        {
            throw new DataFormatException($"'{path}' is a corrupt gzip file.");
        }
        if (buffer.Length < length)
            throw new DataFormatException($"'{path}' is truncated: it ends inside the {what} ({buffer.Length:N0} of {length:N0} bytes).");
        return buffer.ToArray();
    }

    private static byte[] ReadExactly(Stream stream, int length, string path, string what)
    {
        var buffer = new byte[length];
        var total = 0;
        try
        {
            while (total < length)
            {
                var read = stream.Read(buffer, total, length - total);
                if (read == 0) break;
                total += read;
            }
        }
        catch (InvalidDataException)
        {
            throw new DataFormatException($"'{path}' is a corrupt gzip file.");
        }
        if (total < length)
            throw new DataFormatException($"'{path}' is truncated: it ends inside the {what} ({total:N0} of {length:N0} bytes).");
        return buffer;
    }
}
