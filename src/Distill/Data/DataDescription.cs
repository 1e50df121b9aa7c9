namespace Distill.Data;

/// <summary>What a loaded data set is: its name, format, classes, input shape and the standardisation applied.</summary>
public sealed record DataDescription(
    string Name,
    DataFormat Format,
    IReadOnlyList<string> ClassNames,
    long[] SampleShape,
    ChannelNormalization Normalization)
{
    public int ClassCount => ClassNames.Count;

    /// <summary>Feature columns of a table, in order; null for images.</summary>
    public IReadOnlyList<string>? Columns { get; init; }
}
