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

    /// <summary>Seed of the source's ratio split (a single image folder or CSV file), so evaluation finds the same test rows.</summary>
    public int Seed { get; init; }

    /// <summary>The class column of a table; null for images.</summary>
    public string? LabelColumn { get; init; }
}
