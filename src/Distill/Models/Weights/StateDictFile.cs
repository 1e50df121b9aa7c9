using System.Collections;
using System.IO.Compression;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Distill.Models.Weights;

/// <summary>
/// Reads a PyTorch <c>state_dict</c> (<c>torch.save(model.state_dict(), f)</c>: a zip archive
/// holding <c>data.pkl</c>, read by TorchSharp.PyBridge's unpickler) or a <c>.safetensors</c> file into
/// tensors by name. Neither reader runs code from the file: PyBridge's unpickler is .NET code that
/// rebuilds tensors and dictionaries from the pickle's opcodes, and any other object in it comes back
/// as inert data, which is refused here as "not a tensor". A TorchScript archive (code, not a
/// state_dict) is refused with a pointer to <c>--teacher</c>. float16 and bfloat16 tensors are
/// converted to float32, the precision Distill trains in.
/// </summary>
public static class StateDictFile
{
    /// <summary>The file's tensors by name, floating point ones as float32; the caller disposes them.</summary>
    /// <param name="converted">The dtypes converted to float32 (float16, bfloat16), empty when none.</param>
    public static Dictionary<string, Tensor> Read(string path, out IReadOnlyList<string> converted)
    {
        var what = $"The weights file '{path}'";
        if (!File.Exists(path)) throw new DistillException($"{what} does not exist.");
        var raw = IsZip(path) ? ReadPickle(path, what)
            : Path.GetExtension(path).Equals(".safetensors", StringComparison.OrdinalIgnoreCase) ? ReadSafetensors(path, what)
            : throw new DistillException($"{what} is neither a PyTorch state_dict (a zip archive, as torch.save writes since PyTorch 1.6) nor a .safetensors file.");
        var dtypes = new SortedSet<string>();
        var tensors = new Dictionary<string, Tensor>(raw.Count);
        foreach (var (name, tensor) in raw)
        {
            if (tensor.dtype is ScalarType.Float16 or ScalarType.BFloat16)
            {
                dtypes.Add(tensor.dtype == ScalarType.Float16 ? "float16" : "bfloat16");
                tensors[name] = tensor.to(ScalarType.Float32);
                tensor.Dispose();
            }
            else tensors[name] = tensor;
        }
        converted = [.. dtypes];
        return tensors;
    }

    private static bool IsZip(string path)
    {
        using var stream = File.OpenRead(path);
        Span<byte> magic = stackalloc byte[4];
        return stream.ReadAtLeast(magic, 4, throwOnEndOfStream: false) == 4 && magic.SequenceEqual("PK\u0003\u0004"u8);
    }

    private static Dictionary<string, Tensor> ReadPickle(string path, string what)
    {
        try
        {
            using (var archive = ZipFile.OpenRead(path))
            {
                var names = archive.Entries.Select(e => e.FullName).ToList();
                if (names.Any(n => n.EndsWith("/constants.pkl", StringComparison.Ordinal) || n.Contains("/code/", StringComparison.Ordinal)))
                    throw new DistillException($"{what} is a TorchScript archive (a program, not a state_dict); give it to --teacher to import it, or save model.state_dict() in PyTorch for --weights.");
                if (!names.Any(n => n.EndsWith("/data.pkl", StringComparison.Ordinal) || n == "data.pkl"))
                    throw new DistillException($"{what} is a zip archive without data.pkl, so not a state_dict saved by torch.save.");
            }
            Hashtable table;
            using (var stream = File.OpenRead(path)) table = PyTorchUnpickler.UnpickleStateDict(stream);
            var tensors = new Dictionary<string, Tensor>();
            foreach (DictionaryEntry entry in table)
            {
                if (entry.Value is not Tensor tensor)
                {
                    foreach (var value in tensors.Values) value.Dispose();
                    throw new DistillException($"{what} holds '{entry.Key}', which is not a tensor: a training checkpoint or another object rather than a state_dict (save model.state_dict()).");
                }
                tensors[(string)entry.Key] = tensor;
            }
            return tensors;
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or IOException)
        {
            throw new DistillException($"{what} is not a complete zip archive (truncated or damaged): {e.Message.TrimEnd('.')}.");
        }
        catch (Exception e) when (e is not DistillException)
        {
            throw new DistillException($"{what} cannot be read as a PyTorch state_dict: {e.Message.Split('\n')[0].TrimEnd('.')}.");
        }
    }

    private static Dictionary<string, Tensor> ReadSafetensors(string path, string what)
    {
        SafetensorsHeader.Check(path);
        try
        {
            return Safetensors.LoadStateDict(path);
        }
        catch (Exception e)
        {
            throw new DistillException($"{what} cannot be read as a .safetensors file: {e.Message.Split('\n')[0].TrimEnd('.')}.");
        }
    }
}
