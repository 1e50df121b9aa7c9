using System.Security.Cryptography;
using Distill.Data;
using Distill.Runs;
using static TorchSharp.torch;

namespace Distill.Teachers;

/// <summary>
/// A teacher's logits on the un-augmented training set kept in a file named by its content's
/// source: the SHA-256 of the teacher's weights file and of the training rows and labels. The shards
/// of an experiment compute a teacher's logits once and read them back after; a changed teacher or
/// changed data gets a new name, so a stale file is never read. Float32, row order, after a header
/// of rows and classes.
/// </summary>
public sealed class LogitsCache
{
    /// <summary>The folder, under a run folder, that holds the cache files.</summary>
    public const string FolderName = "logits-cache";

    private LogitsCache(string path) => Path = path;

    public string Path { get; }

    /// <summary>
    /// The cache file in <paramref name="folder"/> for the teacher saved in <paramref name="weightsFile"/>
    /// and <paramref name="train"/>; null when the rows are streamed from disk (hashing them would
    /// cost a pass as long as the teacher's own) or there is no weights file to name the teacher by.
    /// </summary>
    public static LogitsCache? For(string folder, string? weightsFile, LabeledDataset train)
    {
        if (train.IsStreamed || weightsFile is null || !File.Exists(weightsFile)) return null;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using (var weights = File.OpenRead(weightsFile))
        {
            var buffer = new byte[1 << 20];
            int read;
            while ((read = weights.Read(buffer)) > 0) hash.AppendData(buffer, 0, read);
        }
        Append(hash, train.Features);
        Append(hash, train.Labels);
        return new LogitsCache(System.IO.Path.Combine(folder, FolderName, Convert.ToHexStringLower(hash.GetHashAndReset()) + ".bin"));
    }

    /// <summary>The cached logits, or those <paramref name="compute"/> makes, written for the next process.</summary>
    public Tensor GetOrCompute(Func<Tensor> compute)
    {
        if (Read() is { } cached) return cached;
        var logits = compute();
        using var contiguous = logits.to(ScalarType.Float32).contiguous();
        var values = contiguous.data<float>().ToArray();
        var bytes = new byte[16 + values.Length * sizeof(float)];
        BitConverter.TryWriteBytes(bytes.AsSpan(0, 8), logits.shape[0]);
        BitConverter.TryWriteBytes(bytes.AsSpan(8, 8), logits.shape[1]);
        Buffer.BlockCopy(values, 0, bytes, 16, values.Length * sizeof(float));
        AtomicFile.WriteAllBytes(Path, bytes);
        return logits;
    }

    private Tensor? Read()
    {
        if (!File.Exists(Path)) return null;
        var bytes = File.ReadAllBytes(Path);
        if (bytes.Length < 16) return null;
        var rows = BitConverter.ToInt64(bytes, 0);
        var classes = BitConverter.ToInt64(bytes, 8);
        // A file of the wrong length was cut short by a full disk or changed by hand: compute again.
        if (rows <= 0 || classes <= 0 || bytes.Length != 16 + rows * classes * sizeof(float)) return null;
        var values = new float[rows * classes];
        Buffer.BlockCopy(bytes, 16, values, 0, values.Length * sizeof(float));
        return tensor(values, [rows, classes]);
    }

    private static void Append(IncrementalHash hash, Tensor values)
    {
        using var contiguous = values.contiguous();
        hash.AppendData(System.Text.Encoding.ASCII.GetBytes($"{contiguous.dtype}{string.Join(',', contiguous.shape)};"));
        hash.AppendData(contiguous.bytes);
    }
}
