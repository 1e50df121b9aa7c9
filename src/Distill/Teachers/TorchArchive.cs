using System.IO.Compression;

namespace Distill.Teachers;

/// <summary>
/// What a PyTorch zip archive holds, read from its directory of entries before libtorch sees it.
/// torch.save and torch.jit.save both write a zip with <c>PREFIX/data.pkl</c>; only TorchScript adds
/// the model's code (<c>PREFIX/code/</c>) and <c>PREFIX/constants.pkl</c>. libtorch's loader asks for
/// constants.pkl first, so a state_dict given as a teacher failed with "PytorchStreamReader failed
/// locating file constants.pkl", which says neither what the file is nor what to do.
/// </summary>
public static class TorchArchive
{
    /// <summary>Refuses a torch.save checkpoint (weights, or a pickled module, without TorchScript code) in one sentence.</summary>
    public static void RefuseWithoutCode(string path)
    {
        if (!IsCheckpointWithoutCode(path)) return;
        throw new DistillException(
            $"The teacher '{path}' is a PyTorch state_dict saved with torch.save (weights without the code that runs them), which Distill cannot run; " +
            "export the model to TorchScript (torch.jit.trace or torch.jit.script, then .save(\"teacher.pt\")) or to ONNX (torch.onnx.export) and pass that file.");
    }

    /// <summary>True for a zip holding data.pkl but neither code/ nor constants.pkl; anything else is left to libtorch.</summary>
    internal static bool IsCheckpointWithoutCode(string path)
    {
        try
        {
            using var zip = ZipFile.OpenRead(path);
            bool pickle = false, code = false, constants = false;
            foreach (var entry in zip.Entries)
            {
                // Entries sit under one folder named after the file (any name); the part after it counts.
                var name = entry.FullName;
                var slash = name.IndexOf('/');
                var inner = slash < 0 ? name : name[(slash + 1)..];
                pickle |= inner == "data.pkl";
                constants |= inner == "constants.pkl";
                code |= inner.StartsWith("code/", StringComparison.Ordinal);
            }
            return pickle && !code && !constants;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
