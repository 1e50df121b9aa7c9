using Distill.Losses;
using static TorchSharp.torch;

namespace Distill.Data;

/// <summary>
/// Loads the train and test halves of an IDX data set from a folder holding the four standard
/// files (plain or with a .gz suffix), standardising pixels with the data set's statistics.
/// </summary>
public static class IdxDatasetLoader
{
    public static (LabeledDataset Train, LabeledDataset Test) Load(string directory, DatasetInfo info)
    {
        if (!Directory.Exists(directory))
            throw new DistillException($"Data folder '{directory}' does not exist; run 'distill data fetch {info.Name}' first.");
        var train = LoadPair(directory, info, DatasetInfo.TrainImages, DatasetInfo.TrainLabels, "train");
        try
        {
            var test = LoadPair(directory, info, DatasetInfo.TestImages, DatasetInfo.TestLabels, "test");
            if (test.SampleShape.SequenceEqual(train.SampleShape)) return (train, test);
            var message = $"The {info.Name} test images are {Shape(test.SampleShape)} but the training images are {Shape(train.SampleShape)}.";
            test.Dispose();
            throw new DataFormatException(message);
        }
        catch
        {
            train.Dispose();
            throw;
        }
    }

    /// <summary>Finds a standard IDX file in a folder, plain or gzipped.</summary>
    public static string Locate(string directory, string fileName)
    {
        var plain = Path.Combine(directory, fileName);
        if (File.Exists(plain)) return plain;
        if (File.Exists(plain + ".gz")) return plain + ".gz";
        throw new DistillException($"Data folder '{directory}' has no '{fileName}' (nor '{fileName}.gz').");
    }

    private static LabeledDataset LoadPair(string directory, DatasetInfo info, string imagesFile, string labelsFile, string part)
    {
        var (pixels, labels) = ReadPair(directory, info.Name, imagesFile, labelsFile, part, info.ClassCount);
        using (pixels)
        {
            var standardised = pixels.div(HeldScalar.Of(255.0)).sub_(HeldScalar.Of(info.PixelMean)).div_(HeldScalar.Of(info.PixelStd));
            return new LabeledDataset($"{info.Name}/{part}", standardised, labels, info.ClassCount);
        }
    }

    /// <summary>
    /// The images of one half as bytes [N, 1, rows, columns] and its labels [N] int64, checked
    /// against each other and, when given, against the class count.
    /// </summary>
    internal static (Tensor Pixels, Tensor Labels) ReadPair(string directory, string name, string imagesFile, string labelsFile, string part, int? classCount)
    {
        var images = IdxReader.ReadImages(Locate(directory, imagesFile));
        var labels = IdxReader.ReadLabels(Locate(directory, labelsFile));
        if (labels.Length != images.Count)
            throw new DataFormatException(
                $"The {name} {part} set has {images.Count} images but {labels.Length} labels.");
        var outOfRange = classCount is { } count ? Array.FindIndex(labels, l => l >= count) : -1;
        if (outOfRange >= 0)
            throw new DataFormatException(
                $"The {name} {part} label at row {outOfRange} is {labels[outOfRange]}, outside the {classCount} classes.");
        var pixels = tensor(images.Pixels, [images.Count, 1, images.Rows, images.Columns], ScalarType.Byte);
        using var labelBytes = tensor(labels, ScalarType.Byte);
        return (pixels, labelBytes.to_type(ScalarType.Int64));
    }

    private static string Shape(long[] shape) => string.Join("x", shape);
}
