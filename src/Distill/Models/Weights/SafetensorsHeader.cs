using System.Buffers.Binary;
using System.Text.Json;

namespace Distill.Models.Weights;

/// <summary>
/// Checks a <c>.safetensors</c> file's header against the file before any tensor is read: an
/// 8-byte little-endian header length, a JSON object of <c>name: {dtype, shape, data_offsets}</c>,
/// then the data (huggingface/safetensors format). Every tensor's byte range must lie inside the
/// data and match its shape and dtype, so a lying header (offsets past the end, a 40 GB shape) is
/// refused by name instead of making the reader allocate or read out of bounds.
/// </summary>
internal static class SafetensorsHeader
{
    // The format's own limit on the header (safetensors' MAX_HEADER_SIZE).
    private const long MaxHeaderBytes = 100_000_000;

    private static readonly Dictionary<string, int> ElementBytes = new()
    {
        ["F64"] = 8, ["F32"] = 4, ["F16"] = 2, ["BF16"] = 2, ["I64"] = 8, ["I32"] = 4, ["I16"] = 2, ["I8"] = 1, ["U8"] = 1, ["BOOL"] = 1,
    };

    /// <summary>Refuses the file unless its header describes tensors that fit in it exactly.</summary>
    public static void Check(string path)
    {
        var what = $"The weights file '{path}'";
        var length = new FileInfo(path).Length;
        using var stream = File.OpenRead(path);
        Span<byte> prefix = stackalloc byte[8];
        if (stream.ReadAtLeast(prefix, 8, throwOnEndOfStream: false) < 8)
            throw new DistillException($"{what} is too short for a .safetensors file ({length} bytes).");
        var headerBytes = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerBytes > (ulong)Math.Min(MaxHeaderBytes, length - 8))
            throw new DistillException($"{what} claims a {headerBytes:N0}-byte .safetensors header but holds {length - 8:N0} bytes after the length.");
        var header = new byte[headerBytes];
        stream.ReadExactly(header);
        var dataBytes = length - 8 - (long)headerBytes;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header);
        }
        catch (JsonException)
        {
            throw new DistillException($"{what} has a .safetensors header that is not valid JSON.");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new DistillException($"{what} has a .safetensors header that is not a JSON object.");
            foreach (var entry in document.RootElement.EnumerateObject())
                if (entry.Name != "__metadata__") CheckTensor(what, entry, dataBytes);
        }
    }

    private static void CheckTensor(string what, JsonProperty entry, long dataBytes)
    {
        var tensor = entry.Value;
        if (tensor.ValueKind != JsonValueKind.Object || !tensor.TryGetProperty("dtype", out var dtype) || dtype.ValueKind != JsonValueKind.String
            || !tensor.TryGetProperty("shape", out var shape) || shape.ValueKind != JsonValueKind.Array
            || !tensor.TryGetProperty("data_offsets", out var offsets) || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2)
            throw new DistillException($"{what} describes tensor '{entry.Name}' without a dtype, a shape and two data offsets.");
        if (!ElementBytes.TryGetValue(dtype.GetString()!, out var size))
            throw new DistillException($"{what} stores tensor '{entry.Name}' as {dtype.GetString()}, which Distill does not read; use {string.Join(", ", ElementBytes.Keys)}.");
        double bytes = size;
        foreach (var dimension in shape.EnumerateArray())
        {
            if (!dimension.TryGetInt64(out var d) || d < 0)
                throw new DistillException($"{what} gives tensor '{entry.Name}' a shape that is not a list of sizes.");
            bytes *= d;
        }
        var begin = offsets[0].TryGetInt64(out var b) ? b : -1;
        var end = offsets[1].TryGetInt64(out var e) ? e : -1;
        if (begin < 0 || end < begin || end > dataBytes)
            throw new DistillException($"{what} places tensor '{entry.Name}' at bytes {offsets[0]}..{offsets[1]}, outside its {dataBytes:N0} bytes of data.");
        if (bytes != end - begin)
            throw new DistillException($"{what} gives tensor '{entry.Name}' shape [{string.Join(", ", shape.EnumerateArray())}] ({bytes:N0} bytes of {dtype.GetString()}) but {end - begin:N0} bytes of data.");
    }
}
