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
        var images = IdxReader.ReadImages(Locate(directory, imagesFile));
        var labels = IdxReader.ReadLabels(Locate(directory, labelsFile));
        if (labels.Length != images.Count)
            throw new DataFormatException(
                $"The {info.Name} {part} set has {images.Count} images but {labels.Length} labels.");
        var outOfRange = Array.FindIndex(labels, l => l >= info.ClassCount);
        if (outOfRange >= 0)
            throw new DataFormatException(
                $"The {info.Name} {part} label at row {outOfRange} is {labels[outOfRange]}, outside the {info.ClassCount} classes.");

        var features = tensor(images.Pixels, [images.Count, 1, images.Rows, images.Columns], ScalarType.Byte);
        using var scaled = features.to_type(ScalarType.Float32);
        features.Dispose();
        var standardised = scaled.div_(255.0).sub_(info.PixelMean).div_(info.PixelStd).clone();
        var labelTensor = tensor(labels, ScalarType.Byte).to_type(ScalarType.Int64);
        return new LabeledDataset($"{info.Name}/{part}", standardised, labelTensor, info.ClassCount);
    }

    private static string Shape(long[] shape) => string.Join("x", shape);
}
