namespace Distill.Data;

/// <summary>
/// Which data a run uses, as the user states it: a path (any format, detected) or a known data
/// set fetched into the cache, plus how to read it. Turned into a <see cref="DataRequest"/> once
/// the path is known.
/// </summary>
public sealed record DataSelection
{
    /// <summary>A known data set (mnist, fashion-mnist) to fetch when no path is given; the name of an IDX folder's set otherwise.</summary>
    public string Dataset { get; init; } = "mnist";

    /// <summary>An IDX folder, a CIFAR binary folder, an image folder or a CSV file; null fetches <see cref="Dataset"/>.</summary>
    public string? Path { get; init; }

    /// <summary>idx, cifar, images or csv; null detects it from the contents.</summary>
    public string? Format { get; init; }

    /// <summary>Side images are resized to (bilinear); null uses the folder's usual size.</summary>
    public int? ImageSize { get; init; }

    /// <summary>1 (grayscale) or 3 (RGB); null keeps the data's own.</summary>
    public int? Channels { get; init; }

    /// <summary>The class column of a CSV file.</summary>
    public string? LabelColumn { get; init; }

    /// <summary>False for a CSV file whose first row is data (columns are then c1..cN); null: it has a header row.</summary>
    public bool? HasHeader { get; init; }

    /// <summary>The columns of the saved model the data is read for (a table is re-ordered to them by name); null keeps the file's order.</summary>
    public ModelColumns? ModelColumns { get; init; }

    /// <summary>True decodes an image folder on the fly, false holds it in memory; null decides by its size.</summary>
    public bool? Stream { get; init; }

    /// <summary>Threads that decode a streamed image folder; null: one per core.</summary>
    public int? Workers { get; init; }

    /// <summary>Largest image (width x height) a folder may hold; null: <see cref="DataRequest.DefaultMaxImagePixels"/>.</summary>
    public long? MaxImagePixels { get; init; }

    /// <summary>How inputs are standardised: the training set's statistics (default), ImageNet's, or not at all.</summary>
    public InputNormalization? Normalize { get; init; }

    /// <summary>
    /// Statistics to standardise every part with as given, instead of <see cref="Normalize"/>'s (a saved teacher's,
    /// for a data-free student that must see the test set as the teacher saw its inputs); null: none given.
    /// </summary>
    public ChannelNormalization? Statistics { get; init; }

    /// <summary>
    /// Rows without labels that distilled students also learn from, through the teacher's soft terms
    /// only (<see cref="TransferSet"/>): an image folder without class subfolders, an IDX images file, a
    /// CSV file without the label column, or a labeled set whose labels are ignored; null: none.
    /// </summary>
    public string? Transfer { get; init; }

    /// <summary>
    /// The share of the training rows that keep their labels (seeded; the validation split is carved
    /// from them), the rest joining the transfer set without theirs; null: all. For experiments on how
    /// few labels distillation needs.
    /// </summary>
    public double? LabeledFraction { get; init; }

    /// <summary>
    /// Reads the test part alone, with no training or validation rows (<see cref="DataRequest.TestOnly"/>): the data of
    /// a run whose models are all loaded or distilled without data. Set by <see cref="Studies.StudyPipeline"/> from its plan.
    /// </summary>
    public bool TestOnly { get; init; }

    /// <summary>With <see cref="TestOnly"/>: the data set (name, split seed) a saved teacher learnt from (<see cref="DataRequest.HeldOutFrom"/>).</summary>
    public (string Name, int Seed)? HeldOutFrom { get; init; }

    public void Validate()
    {
        if (LabeledFraction is { } fraction && !(fraction > 0 && fraction <= 1))
            throw new DistillException($"The labeled fraction (--labeled-fraction) must be above 0 and at most 1, not {fraction}.");
        if (Transfer is { } transfer && !File.Exists(transfer) && !Directory.Exists(transfer))
            throw new DistillException($"The transfer set '{transfer}' does not exist.");
        if (Path is null) DatasetInfo.Find(Dataset);
        if (Format is not null) DataFormats.Parse(Format);
        ToRequest(Path ?? ".", 1).Validate();
    }

    public DataRequest ToRequest(string path, int seed, ChannelNormalization? normalization = null) => new()
    {
        Path = path,
        Format = Format is null ? null : DataFormats.Parse(Format),
        Dataset = Dataset,
        ImageSize = ImageSize,
        Channels = Channels,
        LabelColumn = LabelColumn ?? DataRequest.DefaultLabelColumn,
        HasHeader = HasHeader ?? true,
        ModelColumns = ModelColumns,
        Seed = seed,
        Normalization = normalization ?? Statistics,
        Normalize = Normalize ?? InputNormalization.Dataset,
        Stream = Stream,
        Workers = Workers ?? Environment.ProcessorCount,
        MaxImagePixels = MaxImagePixels ?? DataRequest.DefaultMaxImagePixels,
        TestOnly = TestOnly,
        HeldOutFrom = HeldOutFrom,
    };

    /// <summary>The folder or file to read: <see cref="Path"/>, or the cache folder of <see cref="Dataset"/>, fetched if missing.</summary>
    public string Resolve(IProgress<string>? messages = null) =>
        Path ?? new DatasetFetcher(DatasetFetcher.DefaultCacheRoot, messages).Fetch(DatasetInfo.Find(Dataset));
}
