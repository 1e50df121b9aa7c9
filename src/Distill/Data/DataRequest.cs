namespace Distill.Data;

/// <summary>What the user asked for: where the data is and how to read it. Null fields are detected or defaulted.</summary>
public sealed record DataRequest
{
    /// <summary>An IDX folder, a CIFAR binary folder, an image folder or a CSV file.</summary>
    public required string Path { get; init; }

    /// <summary>Forces a format instead of detecting it from the contents.</summary>
    public DataFormat? Format { get; init; }

    /// <summary>For IDX folders: a known name (mnist, fashion-mnist) supplies class names and pixel statistics; any other name is a generic IDX set.</summary>
    public string Dataset { get; init; } = "mnist";

    /// <summary>Images are resized (bilinear) to this side; null uses the folder's usual size (<see cref="Sources.ImageSizing"/>).</summary>
    public int? ImageSize { get; init; }

    /// <summary>1 (grayscale) or 3 (RGB); null keeps the data's own (RGB if any image has colour).</summary>
    public int? Channels { get; init; }

    /// <summary>
    /// For CSV files: the column holding the class. Without a header row (<see cref="HasHeader"/>
    /// false) the columns are named c1..cN, this may be cN or the column's number N, and the default
    /// "label" means the last column.
    /// </summary>
    public string LabelColumn { get; init; } = DefaultLabelColumn;

    /// <summary>The default of <see cref="LabelColumn"/>.</summary>
    public const string DefaultLabelColumn = "label";

    /// <summary>For CSV files: false when the first row is data, not column names.</summary>
    public bool HasHeader { get; init; } = true;

    /// <summary>For a single image folder or CSV file: the shares of train, validation and test.</summary>
    public SplitRatios Ratios { get; init; } = SplitRatios.Default;

    /// <summary>For tables read for a saved model: its columns, so the same columns in another order are re-ordered by name.</summary>
    public ModelColumns? ModelColumns { get; init; }

    /// <summary>
    /// Reads the test part alone (a data-free run, whose student reads no training or validation row): an IDX
    /// folder's t10k files, CIFAR's test batch, an image folder's test/ (or, without one, the test share of
    /// train/'s split, listed but not decoded); a single image folder or CSV file is every row test data,
    /// unless it is <see cref="HeldOutFrom"/>. Training files beside them are neither read nor required.
    /// </summary>
    public bool TestOnly { get; init; }

    /// <summary>
    /// With <see cref="TestOnly"/>: a data set a model learnt from through a seeded ratio split, as its card
    /// records it (name and seed). A single image folder or CSV file of that name keeps the split (with that
    /// seed) and gives only its test share, the rows the model never saw, as <c>eval</c> does.
    /// </summary>
    public (string Name, int Seed)? HeldOutFrom { get; init; }

    /// <summary>Seed of the ratio split.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Which statistics standardise the inputs when <see cref="Normalization"/> gives none.</summary>
    public InputNormalization Normalize { get; init; }

    /// <summary>Statistics to standardise with (a saved model's); null measures them on the training set.</summary>
    public ChannelNormalization? Normalization { get; init; }

    /// <summary>Largest float tensor an image folder may decode into (bytes); larger folders are decoded on the fly.</summary>
    public long MemoryBudgetBytes { get; init; } = 4L << 30;

    /// <summary>
    /// True decodes an image folder on the fly in every case, false holds it in memory in every case;
    /// null decides by size (<see cref="StreamThresholdBytes"/>).
    /// </summary>
    public bool? Stream { get; init; }

    /// <summary>
    /// Largest image (width x height) an image folder may hold, checked from each file's header before
    /// anything is decoded: a 100-megapixel photo decodes to 1.2 GB of float32 RGB per worker, far above
    /// what any camera's photo folder reaches, while a hostile 20000x20000 PNG of 389 KB would need 2.9 GB.
    /// </summary>
    public long MaxImagePixels { get; init; } = DefaultMaxImagePixels;

    /// <summary>The default of <see cref="MaxImagePixels"/>: 100 megapixels.</summary>
    public const long DefaultMaxImagePixels = 100_000_000;

    /// <summary>Threads that decode a streamed image folder; default: one per core.</summary>
    public int Workers { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// Image folders whose float32 tensor would exceed this are streamed: <see cref="MemoryBudgetBytes"/>,
    /// or a quarter of the memory available now when that is less, leaving room for the models,
    /// their activations and the teacher's cache.
    /// </summary>
    public double StreamThresholdBytes() => Math.Min(MemoryBudgetBytes, Models.MemoryBudget.AvailableBytes() / 4);

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Path)) throw new DistillException("The data path is empty.");
        if (ImageSize is { } size && size is < 1 or > 1024)
            throw new DistillException($"The image size must be between 1 and 1024 pixels, not {size}.");
        if (Channels is { } channels && channels is not (1 or 3))
            throw new DistillException($"The channel count must be 1 (grayscale) or 3 (RGB), not {channels}.");
        if (MaxImagePixels < 1)
            throw new DistillException($"The image pixel limit (--max-image-pixels) must be 1 or more, not {MaxImagePixels}.");
        if (Workers < 1) throw new DistillException($"The number of decoding workers must be 1 or more, not {Workers}.");
        if (string.IsNullOrWhiteSpace(LabelColumn)) throw new DistillException("The label column name is empty.");
        Ratios.Validate();
    }
}
