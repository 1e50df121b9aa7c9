using System.Buffers.Binary;
using System.IO.Compression;

namespace Distill.Tests.Support;

/// <summary>
/// Writes a complete, valid grayscale PNG of any size without holding its pixels: the rows are all
/// black, streamed through zlib one at a time, so a 20000x20000 image (400 MB of pixels) takes a
/// few hundred kilobytes on disk and little memory to make, as a hostile upload would.
/// </summary>
public static class HugePng
{
    public static void Write(string path, int width, int height)
    {
        using var file = File.Create(path);
        file.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth; colour type 0 (grey), default compression, filter and interlace
        Chunk(file, "IHDR", header);
        using (var data = new MemoryStream())
        {
            using (var zlib = new ZLibStream(data, CompressionLevel.Fastest, leaveOpen: true))
            {
                var row = new byte[width + 1]; // filter byte 0, then black pixels
                for (var y = 0; y < height; y++) zlib.Write(row);
            }
            Chunk(file, "IDAT", data.ToArray());
        }
        Chunk(file, "IEND", []);
    }

    private static void Chunk(Stream file, string type, byte[] body)
    {
        var length = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, body.Length);
        file.Write(length);
        var typeBytes = System.Text.Encoding.ASCII.GetBytes(type);
        file.Write(typeBytes);
        file.Write(body);
        var sum = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(sum, Crc(Crc(0xFFFFFFFFu, typeBytes), body) ^ 0xFFFFFFFFu);
        file.Write(sum);
    }

    // PNG's CRC-32 (polynomial 0xEDB88320), bit by bit: the chunks here are small.
    private static uint Crc(uint crc, byte[] bytes)
    {
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
        }
        return crc;
    }
}
