using Distill.Losses;
using static TorchSharp.torch;

namespace Distill.Data.Sources;

/// <summary>
/// A folder with the four standard IDX files (plain or gzipped). A known data set name (mnist,
/// fashion-mnist) brings its class names and fixed pixel statistics; any other IDX folder gets
/// classes 0..max label and statistics measured on its training images. Read for its test part alone
/// (<see cref="DataRequest.TestOnly"/>), only the two t10k files are read, and a folder holding just
/// them is an IDX folder too.
/// </summary>
public sealed class IdxSource : IDataSource
{
    public DataFormat Format => DataFormat.Idx;

    public bool Recognises(string path) =>
        Directory.Exists(path)
        && new[] { DatasetInfo.TrainImages, DatasetInfo.TestImages }.Any(file => File.Exists(Path.Combine(path, file)) || File.Exists(Path.Combine(path, file + ".gz")));

    public SourceData Read(DataRequest request)
    {
        if (!Directory.Exists(request.Path))
            throw new DistillException($"Data folder '{request.Path}' does not exist.");
        var known = DatasetInfo.All.FirstOrDefault(d => string.Equals(d.Name, request.Dataset, StringComparison.OrdinalIgnoreCase));
        var name = known?.Name ?? request.Dataset;
        if (request.TestOnly) return ReadTest(request.Path, name, known);
        var (trainPixels, trainLabels) = IdxDatasetLoader.ReadPair(request.Path, name, DatasetInfo.TrainImages, DatasetInfo.TrainLabels, "train", known?.ClassCount);
        using (trainPixels)
        {
            var (testPixels, testLabels) = IdxDatasetLoader.ReadPair(request.Path, name, DatasetInfo.TestImages, DatasetInfo.TestLabels, "test", known?.ClassCount);
            using (testPixels)
            {
                if (!testPixels.shape.Skip(1).SequenceEqual(trainPixels.shape.Skip(1)))
                {
                    testLabels.Dispose();
                    trainLabels.Dispose();
                    throw new DataFormatException(
                        $"The {name} test images are {string.Join("x", testPixels.shape[2..])} but the training images are {string.Join("x", trainPixels.shape[2..])}.");
                }
                var classes = known?.ClassNames
                              ?? Enumerable.Range(0, (int)Math.Max(trainLabels.max().item<long>(), testLabels.max().item<long>()) + 1).Select(i => i.ToString()).ToList();
                var train = new LabeledDataset($"{name}/train", Scale(trainPixels), trainLabels, classes.Count);
                var test = new LabeledDataset($"{name}/test", Scale(testPixels), testLabels, classes.Count);
                return new SourceData(name, classes, train, null, test)
                {
                    KnownNormalization = Known(known),
                };
            }
        }
    }

    private static SourceData ReadTest(string folder, string name, DatasetInfo? known)
    {
        var (pixels, labels) = IdxDatasetLoader.ReadPair(folder, name, DatasetInfo.TestImages, DatasetInfo.TestLabels, "test", known?.ClassCount);
        using (pixels)
        {
            if (labels.numel() == 0)
            {
                labels.Dispose();
                throw new DataFormatException($"The test part of {name} is empty; it needs at least one example.");
            }
            var classes = known?.ClassNames ?? Enumerable.Range(0, (int)labels.max().item<long>() + 1).Select(i => i.ToString()).ToList();
            return SourceData.OfTest(name, classes, new LabeledDataset($"{name}/test", Scale(pixels), labels, classes.Count), Known(known));
        }
    }

    private static ChannelNormalization? Known(DatasetInfo? known) => known is null ? null : new ChannelNormalization([known.PixelMean], [known.PixelStd]);

    private static Tensor Scale(Tensor pixels) => pixels.to_type(ScalarType.Float32).div_(HeldScalar.Of(255.0));
}
