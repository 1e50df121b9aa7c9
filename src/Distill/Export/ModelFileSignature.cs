namespace Distill.Export;

/// <summary>
/// Whether a file is a model Distill can be given, by what it holds rather than its extension alone:
/// ".bin" is also the extension of CIFAR's data batches (data_batch_1.bin), of training state and of
/// anyone's binary files, so a hint that went by the extension listed data as models.
/// </summary>
internal static class ModelFileSignature
{
    private static readonly byte[] Zip = "PK\u0003\u0004"u8.ToArray();

    /// <summary>
    /// A Distill weights file (.bin with its .json card beside it, which is what loading it needs),
    /// an ONNX file (a protobuf whose first field is a ModelProto's), or a PyTorch file (.pt, .pth,
    /// .ts: a zip archive, or a legacy pickle).
    /// </summary>
    public static bool IsModel(string path)
    {
        var extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension == ".bin") return File.Exists(Models.ModelStore.CardPath(path)) && !path.EndsWith("training-state.bin", StringComparison.Ordinal);
        if (extension is not (".onnx" or ".pt" or ".pth" or ".ts")) return false;
        Span<byte> head = stackalloc byte[4];
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1);
            if (stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false) < head.Length) return false;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
        // ONNX writers put ir_version (field 1, varint: tag 0x08) first; a ModelProto may also open
        // with producer_name or opset_import, both length-delimited (tags 0x12 and 0x42).
        if (extension == ".onnx") return head[0] is 0x08 or 0x12 or 0x42;
        return head.SequenceEqual(Zip) || head[0] == 0x80;
    }
}
