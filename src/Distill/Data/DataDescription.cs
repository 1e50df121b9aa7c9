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

    /// <summary>
    /// The file's own column order when it was re-ordered by name to a saved model's
    /// (<see cref="DataRequest.ModelColumns"/>); null when the columns are read as the file has them.
    /// </summary>
    public IReadOnlyList<string>? ReorderedFrom { get; init; }

    /// <summary>Seed of the source's ratio split (a single image folder or CSV file), so evaluation finds the same test rows.</summary>
    public int Seed { get; init; }

    /// <summary>The class column of a table; null for images.</summary>
    public string? LabelColumn { get; init; }

    /// <summary>False for a table read without a header row; null for a table with one and for images.</summary>
    public bool? HasHeader { get; init; }

    /// <summary>Which statistics <see cref="Normalization"/> holds (<c>--normalize</c>); null when they came from a saved model.</summary>
    public InputNormalization? Normalize { get; init; }
}
