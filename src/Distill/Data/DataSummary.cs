using static TorchSharp.torch;

namespace Distill.Data;

/// <summary>What <c>distill data inspect</c> reports: the detected format, the classes with their counts per part, and the input shape or columns.</summary>
public sealed record DataSummary(
    string Path,
    string Format,
    string Name,
    long[] SampleShape,
    IReadOnlyList<string>? Columns,
    IReadOnlyList<DataSummary.ClassCounts> Classes,
    bool ValidationFromSource,
    ChannelNormalization Normalization)
{
    /// <summary>One class and its examples in each part (validation 0 when the run carves it from training).</summary>
    public sealed record ClassCounts(string Name, long Train, long Validation, long Test);

    public static DataSummary Of(string path, LoadedData data)
    {
        var train = Count(data.Train, data.Info.ClassCount);
        var validation = data.Validation is null ? new long[data.Info.ClassCount] : Count(data.Validation, data.Info.ClassCount);
        var test = Count(data.Test, data.Info.ClassCount);
        var classes = data.Info.ClassNames.Select((n, i) => new ClassCounts(n, train[i], validation[i], test[i])).ToList();
        return new DataSummary(path, DataFormats.Name(data.Info.Format), data.Info.Name, data.Info.SampleShape, data.Info.Columns, classes,
            data.Validation is not null, data.Info.Normalization);
    }

    private static long[] Count(LabeledDataset part, int classes)
    {
        using var counts = part.Labels.bincount(null, classes);
        return counts.data<long>().ToArray();
    }
}
