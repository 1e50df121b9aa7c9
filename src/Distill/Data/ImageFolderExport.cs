using StbImageWriteSharp;
using static TorchSharp.torch;

namespace Distill.Data;

/// <summary>
/// Writes a loaded data set out as an image folder (train/, val/ when the source has one, test/,
/// one subfolder per class, one PNG per example), undoing the standardisation, so any image data
/// Distill reads can be handed to it in the form users keep their own pictures.
/// </summary>
public static class ImageFolderExport
{
    private const int Chunk = 1000;

    /// <summary>Writes <paramref name="data"/> under <paramref name="folder"/> (which must not exist or be empty); returns the number of files.</summary>
    /// <param name="limit">Write at most this many examples of each part, the first ones in the source's order.</param>
    public static long Write(LoadedData data, string folder, int? limit = null, IProgress<string>? messages = null)
    {
        var shape = data.Info.SampleShape;
        if (shape.Length != 3 || shape[0] is not (1 or 3))
            throw new DistillException($"'{data.Info.Name}' holds inputs of shape {string.Join("x", shape)}, not grayscale or RGB images; only images can be written as PNG.");
        if (limit is <= 0) throw new DistillException($"The export limit must be positive, not {limit}.");
        if (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any())
            throw new DistillException($"The folder '{folder}' already exists and is not empty; name a new one.");
        var classes = ClassFolders(data.Info.ClassNames);
        long written = 0;
        foreach (var (part, name) in new[] { (data.Train, "train"), (data.Validation, "val"), (data.Test, "test") })
        {
            if (part is null) continue;
            foreach (var c in classes) Directory.CreateDirectory(Path.Combine(folder, name, c));
            var count = Math.Min(part.Count, limit ?? long.MaxValue);
            using (var rows = arange(count, ScalarType.Int64))
            using (var subset = part.Subset(rows))
            {
                foreach (var (batchRows, inputs) in subset.Batches(ImageMemory.RowsPerBatch(Chunk, ImageMemory.RowBytes(subset.SampleShape))))
                {
                    using (batchRows)
                    using (inputs)
                        written += WriteChunk(inputs, subset.Labels.index_select(0, batchRows), batchRows[0].item<long>(), data.Info.Normalization, Path.Combine(folder, name), classes);
                }
            }
            messages?.Report($"Wrote {count:N0} {name} images to {Path.Combine(folder, name)}.");
        }
        return written;
    }

    private static long WriteChunk(Tensor inputs, Tensor labelTensor, long start, ChannelNormalization normalization, string folder, IReadOnlyList<string> classes)
    {
        byte[] pixels;
        var (length, channels, height, width) = (inputs.shape[0], (int)inputs.shape[1], (int)inputs.shape[2], (int)inputs.shape[3]);
        var labels = labelTensor.data<long>().ToArray();
        labelTensor.Dispose();
        using (NewDisposeScope())
        {
            var mean = tensor(normalization.Mean).view(1, -1, 1, 1);
            var std = tensor(normalization.Std).view(1, -1, 1, 1);
            var raw = inputs.to_type(ScalarType.Float64) * std + mean;
            // Channels last, as image files store them.
            pixels = raw.mul(255).round().clamp(0, 255).to_type(ScalarType.Byte).permute(0, 2, 3, 1).contiguous().data<byte>().ToArray();
        }
        var size = channels * height * width;
        var components = channels == 1 ? ColorComponents.Grey : ColorComponents.RedGreenBlue;
        Parallel.For(0, (int)length, i =>
        {
            using var stream = File.Create(Path.Combine(folder, classes[(int)labels[i]], $"{start + i:D6}.png"));
            new ImageWriter().WritePng(pixels.AsSpan(i * size, size).ToArray(), width, height, components, stream);
        });
        return length;
    }

    /// <summary>Class names made safe as folder names ("T-shirt/top" becomes "T-shirt-top"), each distinct.</summary>
    private static List<string> ClassFolders(IReadOnlyList<string> names)
    {
        var invalid = Path.GetInvalidFileNameChars().Append('/').Append('\\').ToHashSet();
        var folders = names.Select(n => new string(n.Select(ch => invalid.Contains(ch) ? '-' : ch).ToArray()).Trim()).ToList();
        for (var i = 0; i < folders.Count; i++)
            if (folders[i].Length == 0 || folders[i].StartsWith('.') || folders.IndexOf(folders[i]) != i) folders[i] = $"class-{i}";
        return folders;
    }
}
