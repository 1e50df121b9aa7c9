namespace Distill.Data;

/// <summary>
/// What a reader returns before standardisation: pixels scaled to [0, 1] or raw table values,
/// with a validation part when the source defines one (null: carve it from training).
/// </summary>
public sealed class SourceData : IDisposable
{
    public SourceData(string name, IReadOnlyList<string> classNames, LabeledDataset train, LabeledDataset? validation, LabeledDataset test)
    {
        Name = name;
        ClassNames = classNames;
        Train = train;
        Validation = validation;
        Test = test;
    }

    /// <summary>
    /// A source read for its test part alone (<see cref="DataRequest.TestOnly"/>): the training part is empty,
    /// of the test part's shape, and there is no validation part.
    /// </summary>
    public static SourceData OfTest(string name, IReadOnlyList<string> classNames, LabeledDataset test, ChannelNormalization? known = null) =>
        new(name, classNames, test.Empty(test.Name[..(test.Name.LastIndexOf('/') + 1)] + "train"), null, test) { KnownNormalization = known };

    public string Name { get; }

    public IReadOnlyList<string> ClassNames { get; }

    public LabeledDataset Train { get; }

    public LabeledDataset? Validation { get; }

    public LabeledDataset Test { get; }

    /// <summary>Fixed statistics of a known data set (MNIST's), used instead of measuring them.</summary>
    public ChannelNormalization? KnownNormalization { get; init; }

    /// <summary>Feature columns of a table.</summary>
    public IReadOnlyList<string>? Columns { get; init; }

    /// <summary>The class column of a table as found in it (c7 for the last of 7 columns without a header row).</summary>
    public string? LabelColumn { get; init; }

    public IEnumerable<LabeledDataset> Parts => Validation is null ? [Train, Test] : [Train, Validation, Test];

    public void Dispose()
    {
        foreach (var part in Parts) part.Dispose();
    }
}
