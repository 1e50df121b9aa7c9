using Distill.Losses;
using static TorchSharp.torch;

namespace Distill.Data.Sources;

/// <summary>
/// CIFAR-10 (data_batch_1.bin .. data_batch_5.bin + test_batch.bin, batches.meta.txt for class
/// names) or CIFAR-100 (train.bin + test.bin with coarse and fine labels; the 100 fine classes are
/// used, named by fine_label_names.txt when present). The folder may also be the one holding the
/// official archive's cifar-10-batches-bin or cifar-100-binary folder. Read for its test part alone
/// (<see cref="DataRequest.TestOnly"/>), only test_batch.bin (or test.bin) is read, and a folder holding
/// just that file is a CIFAR folder too.
/// </summary>
public sealed class CifarSource : IDataSource
{
    private static readonly string[] UnpackedFolders = ["cifar-10-batches-bin", "cifar-100-binary"];

    public DataFormat Format => DataFormat.Cifar;

    public bool Recognises(string path) => Directory.Exists(path) && Layout(Resolve(path)) is not null;

    public SourceData Read(DataRequest request)
    {
        if (!Directory.Exists(request.Path)) throw new DistillException($"Data folder '{request.Path}' does not exist.");
        var folder = Resolve(request.Path);
        var layout = Layout(folder)
                     ?? throw new DataFormatException(
                         $"Folder '{request.Path}' holds no CIFAR binary files: expected data_batch_1.bin .. data_batch_5.bin and test_batch.bin (CIFAR-10) or train.bin and test.bin (CIFAR-100).");
        var (name, trainFiles, testFile, labelBytes, classCount, namesFile) = layout;
        if (!File.Exists(testFile)) throw new DataFormatException($"Folder '{folder}' has no '{Path.GetFileName(testFile)}' for the {name} test set.");
        var classes = ClassNames(Path.Combine(folder, namesFile), classCount);
        if (request.TestOnly) return SourceData.OfTest(name, classes, ReadPart([testFile], labelBytes, classCount, name, "test", classes.Count));
        var train = ReadPart(trainFiles, labelBytes, classCount, name, "train", classes.Count);
        try
        {
            var test = ReadPart([testFile], labelBytes, classCount, name, "test", classes.Count);
            return new SourceData(name, classes, train, null, test);
        }
        catch
        {
            train.Dispose();
            throw;
        }
    }

    /// <summary>The records of the training files, from their sizes (null when the folder is not CIFAR or a size is off; reading says why).</summary>
    public static long? TrainingRecords(string path)
    {
        if (!Directory.Exists(path) || Layout(Resolve(path)) is not { } layout) return null;
        var recordBytes = layout.LabelBytes + CifarReader.PixelBytes;
        var sizes = layout.TrainFiles.Select(f => new FileInfo(f).Length).ToList();
        return sizes.Count == 0 || sizes.Any(s => s == 0 || s % recordBytes != 0) ? null : sizes.Sum() / recordBytes;
    }

    private static string Resolve(string path) =>
        UnpackedFolders.Select(f => Path.Combine(path, f)).FirstOrDefault(Directory.Exists) ?? path;

    private static (string Name, string[] TrainFiles, string TestFile, int LabelBytes, int ClassCount, string NamesFile)? Layout(string folder)
    {
        var batches = Directory.Exists(folder)
            ? Directory.GetFiles(folder, "data_batch_*.bin").Order(StringComparer.Ordinal).ToArray()
            : [];
        if (batches.Length > 0 || File.Exists(Path.Combine(folder, "test_batch.bin")))
            return ("cifar-10", batches, Path.Combine(folder, "test_batch.bin"), 1, 10, "batches.meta.txt");
        var train = Path.Combine(folder, "train.bin");
        var test = Path.Combine(folder, "test.bin");
        // test.bin alone is a common name: CIFAR-100's only when its size is whole records (2 label bytes + 3,072 pixels).
        if (File.Exists(test) && (File.Exists(train) || new FileInfo(test).Length is var bytes && bytes > 0 && bytes % (2 + CifarReader.PixelBytes) == 0))
            return ("cifar-100", File.Exists(train) ? [train] : [], test, 2, 100, "fine_label_names.txt");
        return null;
    }

    private static LabeledDataset ReadPart(string[] files, int labelBytes, int classCount, string name, string part, int classes)
    {
        if (files.Length == 0) throw new DataFormatException($"The {name} folder has no training batches ({(labelBytes == 1 ? "data_batch_1.bin .." : "train.bin")}).");
        var pixels = new List<byte[]>();
        var labels = new List<byte>();
        foreach (var file in files)
        {
            var (filePixels, fileLabels) = CifarReader.Read(file, labelBytes, labelBytes - 1, classCount, name.ToUpperInvariant());
            pixels.Add(filePixels);
            labels.AddRange(fileLabels);
        }
        var all = pixels.Count == 1 ? pixels[0] : new byte[pixels.Sum(p => (long)p.Length)];
        if (pixels.Count > 1)
        {
            long offset = 0;
            foreach (var block in pixels)
            {
                Array.Copy(block, 0, all, offset, block.Length);
                offset += block.Length;
            }
        }
        using var bytes = tensor(all, [labels.Count, 3, CifarReader.Side, CifarReader.Side], ScalarType.Byte);
        using var labelBytesTensor = tensor(labels.ToArray(), ScalarType.Byte);
        return new LabeledDataset($"{name}/{part}", bytes.to_type(ScalarType.Float32).div_(HeldScalar.Of(255.0)), labelBytesTensor.to_type(ScalarType.Int64), classes);
    }

    private static IReadOnlyList<string> ClassNames(string path, int classCount)
    {
        if (File.Exists(path))
        {
            var names = File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
            if (names.Count == classCount) return names;
        }
        return Enumerable.Range(0, classCount).Select(i => i.ToString()).ToList();
    }
}
