using Distill.Losses;
using Distill.Data.Sources;
using static TorchSharp.torch;

namespace Distill.Data;

/// <summary>
/// Reads a transfer set (Hinton, Vinyals, Dean 2015, §2: the student may learn from the teacher's
/// soft targets on data without labels): an image folder without class subfolders, an IDX images
/// file (or a folder holding one) without labels, a CSV file without the label column, or a labeled
/// set of any format whose labels are ignored (its training and validation parts; its test part is
/// left out, so a set's own test images never train anything). Every row gets
/// <see cref="LabeledDataset.Unlabeled"/>, is standardised with the training set's statistics, and
/// must have the training rows' shape: images of another size or channel count are refused unless
/// --image-size and --channels resize both sets alike.
/// </summary>
public static class TransferSet
{
    /// <param name="path">The transfer set.</param>
    /// <param name="training">How the training data was read (the sizes the user forced, the workers, the pixel limit).</param>
    /// <param name="info">The training data: its format, columns and standardisation.</param>
    /// <param name="train">The training part, whose shape and storage (in memory or streamed) the transfer set takes.</param>
    public static LabeledDataset Load(string path, DataRequest training, DataDescription info, LabeledDataset train)
    {
        if (!File.Exists(path) && !Directory.Exists(path)) throw new DistillException($"The transfer set '{path}' does not exist.");
        var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(path))) + "/transfer";
        var rows = File.Exists(path) ? ReadFile(path, training, info, name)
            : FlatImages(path) is { Count: > 0 } images ? ReadImages(images, training, train, name)
            : IdxImagesIn(path) is { } idx ? ReadIdx(idx, training, train.ClassCount, name)
            : DataSources.All.Any(s => s.Recognises(path)) ? ReadLabeled(path, training, info, train, name)
            : throw new DistillException(
                $"The transfer folder '{path}' holds no images: expected PNG, JPEG or BMP files, an IDX images file, or a labeled data set.");
        try
        {
            if (rows.Count == 0) throw new DistillException($"The transfer set '{path}' holds no rows.");
            if (!rows.SampleShape.SequenceEqual(train.SampleShape))
                throw new DistillException(
                    $"The transfer set '{path}' has rows of {Shape(rows.SampleShape)} but the training set's are {Shape(train.SampleShape)}; {(info.Columns is null ? "pass --image-size and --channels to read both sets at one size" : "give it the training table's columns")}.");
            info.Normalization.Apply(rows);
            return rows;
        }
        catch
        {
            rows.Dispose();
            throw;
        }
    }

    private static LabeledDataset ReadFile(string path, DataRequest training, DataDescription info, string name)
    {
        if (Path.GetFileName(path).Contains("idx3", StringComparison.OrdinalIgnoreCase)) return ReadIdx(path, training, info.ClassCount, name);
        if (info.Columns is not { } columns)
            throw new DistillException($"The transfer set '{path}' is a file but the training data is images; give a folder of images or an IDX images file.");
        return TransferTable.Read(path, columns, info.LabelColumn ?? DataRequest.DefaultLabelColumn, info.HasHeader ?? true, info.ClassNames.Count, name);
    }

    /// <summary>Images beside each other in the folder itself, decoded like the training folder's (streamed when it is).</summary>
    private static LabeledDataset ReadImages(List<string> files, DataRequest training, LabeledDataset train, string name)
    {
        var probes = files.Select(ImageFile.Probe).ToList();
        ImageSizing.CheckPixels(files, probes, training.MaxImagePixels);
        var channels = training.Channels ?? (probes.Any(p => p.Colour) ? 3 : 1);
        // Decoded at the training rows' size, whatever sizes the files have (image folders are resized
        // anyway: a folder of mixed sizes would pick its own typical size, not the training folder's).
        var (height, width) = train.SampleShape is [_, var h, var w] ? ((int)h, (int)w)
            : training.ImageSize is { } side ? (side, side) : ImageSizing.DefaultSize(probes);
        var store = new ImageFileStore(files, channels, height, width, training.Workers);
        var labels = full(files.Count, LabeledDataset.Unlabeled, ScalarType.Int64);
        if (train.IsStreamed) return new LabeledDataset(name, store, labels, train.ClassCount);
        using (no_grad()) return new LabeledDataset(name, store.Read(Enumerable.Range(0, files.Count).Select(i => (long)i).ToArray()), labels, train.ClassCount);
    }

    private static LabeledDataset ReadIdx(string path, DataRequest training, int classCount, string name)
    {
        var images = IdxReader.ReadImages(path);
        using var pixels = tensor(images.Pixels, [images.Count, 1, images.Rows, images.Columns], ScalarType.Byte);
        using var scaled = pixels.to_type(ScalarType.Float32).div_(HeldScalar.Of(255.0));
        return new LabeledDataset(name, ImageShaping.Conform(scaled, training.Channels, training.ImageSize),
            full(images.Count, LabeledDataset.Unlabeled, ScalarType.Int64), classCount);
    }

    /// <summary>A labeled set read as the training set is (same sizes, same storage), its training and validation rows with their labels dropped.</summary>
    private static LabeledDataset ReadLabeled(string path, DataRequest training, DataDescription info, LabeledDataset train, string name)
    {
        var request = training with
        {
            Path = path, Format = null, Dataset = DatasetInfo.Identify(path)?.Name ?? info.Name, Normalization = new ChannelNormalization(
                Enumerable.Repeat(0.0, (int)train.SampleShape[0]).ToArray(), Enumerable.Repeat(1.0, (int)train.SampleShape[0]).ToArray()),
            Stream = train.IsStreamed, ModelColumns = null,
        };
        using var loaded = DataSources.Load(request);
        using var all = arange(loaded.Train.Count, dtype: ScalarType.Int64);
        var rows = loaded.Validation is { } validation ? loaded.Train.Concat(validation, name) : loaded.Train.Subset(all, name);
        rows.Labels.fill_(LabeledDataset.Unlabeled);
        return rows;
    }

    private static List<string> FlatImages(string folder) =>
        Directory.GetFiles(folder).Where(ImageFile.IsImage).Order(StringComparer.Ordinal).ToList();

    /// <summary>The folder's one IDX images file without a labels file beside it; a labeled IDX folder is read as a labeled set.</summary>
    private static string? IdxImagesIn(string folder)
    {
        var files = Directory.GetFiles(folder).Where(f => Path.GetFileName(f).Contains("idx3", StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal).ToList();
        var labeled = Directory.GetFiles(folder).Any(f => Path.GetFileName(f).Contains("idx1", StringComparison.OrdinalIgnoreCase));
        return files.Count == 1 && !labeled ? files[0] : null;
    }

    private static string Shape(long[] shape) => string.Join("x", shape);
}
