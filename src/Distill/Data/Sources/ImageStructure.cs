using System.Buffers.Binary;

namespace Distill.Data.Sources;

/// <summary>
/// A structural check of a PNG, JPEG or BMP file before StbImageSharp sees it. The decoder loops
/// forever on some truncated JPEG marker streams (seen on a 7-byte JPEG), so a file whose container
/// is incomplete (segments running past the end, no image data, no end marker) is refused here in
/// one sentence. Only the container is walked: pixel data is still the decoder's job.
/// </summary>
internal static class ImageStructure
{
    private static ReadOnlySpan<byte> EndOfImage => [0xFF, 0xD9];

    private static ReadOnlySpan<byte> PngSignature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Null when the container is complete, otherwise what is wrong with it.</summary>
    public static string? Problem(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length >= 8 && bytes[..8].SequenceEqual(PngSignature)) return PngProblem(bytes);
        if (bytes.Length >= 2 && bytes[0] == 0xFF && bytes[1] == 0xD8) return JpegProblem(bytes);
        if (bytes.Length >= 2 && bytes[0] == (byte)'B' && bytes[1] == (byte)'M') return BmpProblem(bytes);
        return "it is not a PNG, JPEG or BMP file";
    }

    private static string? PngProblem(ReadOnlySpan<byte> bytes)
    {
        var offset = 8;
        var sawData = false;
        while (offset + 12 <= bytes.Length)
        {
            var length = BinaryPrimitives.ReadUInt32BigEndian(bytes[offset..]);
            var type = bytes.Slice(offset + 4, 4);
            if (length > int.MaxValue || offset + 12 + (long)length > bytes.Length)
                return "a PNG chunk runs past the end of the file (truncated)";
            if (type.SequenceEqual("IDAT"u8)) sawData = true;
            if (type.SequenceEqual("IEND"u8)) return sawData ? null : "the PNG holds no image data";
            offset += 12 + (int)length;
        }
        return "the PNG ends before its IEND chunk (truncated)";
    }

    private static string? JpegProblem(ReadOnlySpan<byte> bytes)
    {
        var offset = 2;
        var sawFrame = false;
        while (true)
        {
            if (offset + 4 > bytes.Length) return "the JPEG ends inside its headers (truncated)";
            if (bytes[offset] != 0xFF) return "the JPEG's header segments are corrupt";
            var marker = bytes[offset + 1];
            if (marker == 0xFF) { offset++; continue; } // fill byte
            if (marker is 0x01 or (>= 0xD0 and <= 0xD7)) { offset += 2; continue; } // markers without a length
            if (marker == 0xD9) return "the JPEG ends before its image data";
            var length = BinaryPrimitives.ReadUInt16BigEndian(bytes[(offset + 2)..]);
            if (length < 2 || offset + 2 + length > bytes.Length) return "a JPEG segment runs past the end of the file (truncated)";
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC) sawFrame = true;
            if (marker == 0xDA) // start of scan: entropy-coded data follows, up to the end-of-image marker
            {
                if (!sawFrame) return "the JPEG has no frame header before its image data";
                var tail = bytes[(offset + 2 + length)..];
                return tail.IndexOf(EndOfImage) >= 0
                    ? null
                    : "the JPEG ends before its end-of-image marker (truncated)";
            }
            offset += 2 + length;
        }
    }

    private static string? BmpProblem(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 26) return "the BMP ends inside its header (truncated)";
        var dataOffset = BinaryPrimitives.ReadUInt32LittleEndian(bytes[10..]);
        var headerSize = BinaryPrimitives.ReadUInt32LittleEndian(bytes[14..]);
        if (headerSize < 12 || 14 + (long)headerSize > bytes.Length) return "the BMP's header is corrupt or truncated";
        if (dataOffset >= bytes.Length) return "the BMP ends before its pixel data (truncated)";
        if (headerSize >= 40)
        {
            var width = Math.Abs((long)BinaryPrimitives.ReadInt32LittleEndian(bytes[18..]));
            var height = Math.Abs((long)BinaryPrimitives.ReadInt32LittleEndian(bytes[22..]));
            var bitsPerPixel = BinaryPrimitives.ReadUInt16LittleEndian(bytes[28..]);
            var compression = BinaryPrimitives.ReadUInt32LittleEndian(bytes[30..]);
            if (compression == 0 && bitsPerPixel is 8 or 24 or 32)
            {
                var rowBytes = (width * bitsPerPixel + 31) / 32 * 4;
                if (dataOffset + rowBytes * height > bytes.Length) return "the BMP ends before its pixel data is complete (truncated)";
            }
        }
        return null;
    }
}
