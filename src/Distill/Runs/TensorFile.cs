using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Runs;

/// <summary>
/// Named tensors in TorchSharp's weights format (what <c>module.save</c> writes: a LEB128 entry
/// count, then per entry a length-prefixed UTF-8 name, LEB128 element type, rank and sizes, and
/// the raw little-endian data). Reading checks every header field against what the caller expects
/// and against the bytes actually left before allocating anything, so a hostile or broken file
/// is refused with one sentence instead of reaching TorchSharp's unchecked reader.
/// </summary>
public static class TensorFile
{
    private const int MaxNameBytes = 1024;
    private const int MaxRank = 8;

    public static void Write(BinaryWriter writer, IReadOnlyCollection<KeyValuePair<string, Tensor>> tensors)
    {
        WriteLeb128(writer, tensors.Count);
        foreach (var (name, tensor) in tensors)
        {
            writer.Write(name);
            WriteLeb128(writer, (long)tensor.dtype);
            WriteLeb128(writer, tensor.shape.Length);
            foreach (var size in tensor.shape) WriteLeb128(writer, size);
            // Each step held and freed here: a chained temporary left to the collector can be freed while
            // libtorch reads it, or, inside a command's dispose scope, keeps a freed tensor's storage alive.
            using var detached = tensor.detach();
            using var onCpu = detached.cpu();
            using var data = onCpu.contiguous();
            writer.Write(data.bytes);
        }
    }

    /// <summary>
    /// Reads the named tensors that <paramref name="slotFor"/> accepts (null: the name is not
    /// allowed), each exactly once. The caller owns the returned tensors.
    /// </summary>
    /// <param name="what">What the bytes are, for messages ("Model file 'x'").</param>
    public static Dictionary<string, Tensor> Read(Stream stream, long length, string what, Func<string, TensorSlot?> slotFor)
    {
        var end = stream.Position + length;
        var result = new Dictionary<string, Tensor>();
        try
        {
            var count = ReadLeb128(stream, end, what, "entry count");
            for (long i = 0; i < count; i++)
            {
                var name = ReadName(stream, end, what);
                var slot = slotFor(name) ?? throw new DistillException($"{what} holds a tensor '{Printable(name)}' that does not belong there.");
                if (result.ContainsKey(name)) throw new DistillException($"{what} holds the tensor '{Printable(name)}' twice.");
                var type = ReadLeb128(stream, end, what, "element type");
                if (type != (long)slot.Type)
                    throw new DistillException($"{what} stores '{name}' with element type {type} where {slot.Type} belongs.");
                var rank = ReadLeb128(stream, end, what, "rank");
                if (rank > MaxRank || rank != slot.Shape.Length)
                    throw new DistillException($"{what} stores '{name}' with {rank} dimensions where {slot.Shape.Length} belong.");
                var shape = new long[rank];
                for (var d = 0; d < rank; d++) shape[d] = ReadLeb128(stream, end, what, "size");
                if (!shape.SequenceEqual(slot.Shape))
                    throw new DistillException($"{what} stores '{name}' with shape [{string.Join(", ", shape)}] where [{string.Join(", ", slot.Shape)}] belongs.");
                var tensor = empty(shape, slot.Type);
                result.Add(name, tensor);
                var bytes = tensor.numel() * tensor.element_size();
                if (bytes > end - stream.Position)
                    throw new DistillException($"{what} is truncated: '{name}' needs {bytes:N0} bytes but only {end - stream.Position:N0} are left.");
                if (bytes > 0) stream.ReadExactly(tensor.bytes);
            }
            if (stream.Position != end)
                throw new DistillException($"{what} has {end - stream.Position:N0} unexpected bytes after its last tensor.");
            return result;
        }
        catch (Exception e) when (e is EndOfStreamException)
        {
            foreach (var tensor in result.Values) tensor.Dispose();
            throw new DistillException($"{what} is truncated.");
        }
        catch
        {
            foreach (var tensor in result.Values) tensor.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reads a whole weights file holding exactly the tensors of <paramref name="expected"/>, after
    /// checking its <see cref="WeightsChecksum"/> trailer.
    /// </summary>
    public static Dictionary<string, Tensor> ReadMatching(string path, IReadOnlyDictionary<string, Tensor> expected, string what)
    {
        using var stream = File.OpenRead(path);
        var length = WeightsChecksum.Verify(stream, what);
        var tensors = Read(stream, length, what, name => expected.TryGetValue(name, out var t) ? TensorSlot.Of(t) : null);
        var missing = expected.Keys.FirstOrDefault(k => !tensors.ContainsKey(k));
        if (missing is null) return tensors;
        foreach (var tensor in tensors.Values) tensor.Dispose();
        throw new DistillException($"{what} lacks the tensor '{missing}'.");
    }

    private static string ReadName(Stream stream, long end, string what)
    {
        // .NET's BinaryWriter prefix: the UTF-8 byte count, 7 bits per byte.
        var length = ReadLeb128(stream, end, what, "name length");
        if (length == 0 || length > MaxNameBytes || length > end - stream.Position)
            throw new DistillException($"{what} has a tensor name of {length:N0} bytes, which is not valid.");
        Span<byte> bytes = stackalloc byte[(int)length];
        stream.ReadExactly(bytes);
        return Encoding.UTF8.GetString(bytes);
    }

    private static long ReadLeb128(Stream stream, long end, string what, string field)
    {
        long value = 0;
        for (var shift = 0; shift < 63; shift += 7)
        {
            if (stream.Position >= end) throw new DistillException($"{what} is truncated inside a header ({field}).");
            var b = stream.ReadByte();
            if (b < 0) throw new DistillException($"{what} is truncated inside a header ({field}).");
            value |= (long)(b & 0x7f) << shift;
            if ((b & 0x80) == 0)
            {
                if (value > int.MaxValue) break;
                return value;
            }
        }
        throw new DistillException($"{what} has an absurd {field} in a header.");
    }

    private static void WriteLeb128(BinaryWriter writer, long value)
    {
        do
        {
            var b = (byte)(value & 0x7f);
            value >>= 7;
            writer.Write(value == 0 ? b : (byte)(b | 0x80));
        }
        while (value != 0);
    }

    private static string Printable(string name) =>
        name.Length > 80 || name.Any(char.IsControl) ? "(unreadable name)" : name;
}
