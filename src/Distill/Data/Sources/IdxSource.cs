using Distill.Losses;
using static TorchSharp.torch;

namespace Distill.Data.Sources;

/// <summary>
/// A folder with the four standard IDX files (plain or gzipped). A known data set name (mnist,
/// fashion-mnist) brings its class names and fixed pixel statistics; any other IDX folder gets
/// classes 0..max label and statistics measured on its training images.
/// </summary>
public sealed class IdxSource : IDataSource
{
    public DataFormat Format => DataFormat.Idx;

    public bool Recognises(string path) =>
        Directory.Exists(path)
        && (File.Exists(Path.Combine(path, DatasetInfo.TrainImages)) || File.Exists(Path.Combine(path, DatasetInfo.TrainImages + ".gz")));

    public SourceData Read(DataRequest request)
    {
        if (!Directory.Exists(request.Path))
            throw new DistillException($"Data folder '{request.Path}' does not exist.");
        var known = DatasetInfo.All.FirstOrDefault(d => string.Equals(d.Name, request.Dataset, StringComparison.OrdinalIgnoreCase));
        var name = known?.Name ?? request.Dataset;
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
                    KnownNormalization = known is null ? null : new ChannelNormalization([known.PixelMean], [known.PixelStd]),
                };
            }
        }
    }

    private static Tensor Scale(Tensor pixels) => pixels.to_type(ScalarType.Float32).div_(HeldScalar.Of(255.0));
}
