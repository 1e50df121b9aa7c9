using System.Security.Cryptography;

namespace Distill.Runs;

/// <summary>
/// The trailer that ends a weights file (best.bin, last.bin): an 8-byte marker and the SHA-256 of
/// everything before it, as training checkpoints have. One flipped byte in a weights file otherwise
/// loads silently as slightly different weights. Files written before the trailer existed have no
/// marker at their end and still load, unchecked, because telling them apart costs nothing.
/// </summary>
public static class WeightsChecksum
{
    private static readonly byte[] Marker = "DSTLSUM1"u8.ToArray();
    private const int HashBytes = 32;

    /// <summary>Bytes the trailer adds to a file.</summary>
    public static int Length => Marker.Length + HashBytes;

    /// <summary>Appends the trailer to <paramref name="stream"/>, hashing everything written so far.</summary>
    public static void Append(Stream stream)
    {
        stream.Flush();
        stream.Position = 0;
        var hash = SHA256.HashData(stream);
        stream.Write(Marker);
        stream.Write(hash);
    }

    /// <summary>
    /// Checks the trailer of <paramref name="stream"/>, if it has one, and returns the length of the
    /// content before it (the whole stream for a file without a trailer). Leaves the position at 0.
    /// </summary>
    public static long Verify(Stream stream, string what)
    {
        var length = stream.Length;
        if (length < Length) return length;
        Span<byte> trailer = stackalloc byte[Length];
        stream.Position = length - Length;
        stream.ReadExactly(trailer);
        stream.Position = 0;
        if (!trailer[..Marker.Length].SequenceEqual(Marker)) return length;
        var content = length - Length;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 16];
        for (long left = content; left > 0;)
        {
            var read = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
            if (read == 0) throw new DistillException($"{what} is truncated.");
            hash.AppendData(buffer, 0, read);
            left -= read;
        }
        stream.Position = 0;
        if (!hash.GetHashAndReset().AsSpan().SequenceEqual(trailer[Marker.Length..]))
            throw new DistillException($"{what} is corrupt: its checksum does not match its contents");
        return content;
    }
}
