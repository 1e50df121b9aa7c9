using System.CommandLine;
using Distill.Data;

namespace Distill.Cli.Commands;

/// <summary>Flags that choose the data: a path of any format (detected) or a known data set, and how to read it.</summary>
internal sealed class DataOptionSet
{
    private readonly Option<string?> _dataset;
    private readonly Option<string?> _data = new("--data", "--data-dir")
    {
        Description = "An IDX folder, a CIFAR binary folder, an image folder (one subfolder per class) or a CSV file; the format is detected. Default: the data set from the cache ($DISTILL_DATA), fetched when missing.",
    };
    private readonly Option<string?> _format = new("--format") { Description = "Force the data format instead of detecting it." };
    private readonly Option<int?> _imageSize = new("--image-size") { Description = "Resize images to this side (bilinear); default: the most common size among the folder's training images, shrunk to at most 1024 pixels a side." };
    private readonly Option<long?> _maxImagePixels = new("--max-image-pixels")
    {
        Description = "Refuse an image folder holding an image larger than this many pixels (width x height), checked from each file's header before decoding (default: 100000000, 100 megapixels).",
    };
    private readonly Option<int?> _channels = new("--channels") { Description = "1 (grayscale) or 3 (RGB); default: the data's own." };
    private readonly Option<string?> _labelColumn = new("--label-column")
    {
        Description = "The class column of a CSV file (default: label); with --no-header, cN or N for the N-th column (default: the last).",
    };
    private readonly Option<bool> _noHeader = new("--no-header")
    {
        Description = "The CSV file's first row is data, not column names: the columns are named c1..cN (saved with the model, so eval reads the file the same way).",
    };
    private readonly Option<bool?> _stream = new("--stream")
    {
        Description = "Decode an image folder on the fly by background workers instead of holding it in memory (true/false; default: stream only when its float32 tensor would exceed 4 GiB or a quarter of the free memory).",
        Arity = ArgumentArity.ZeroOrOne,
    };
    private readonly Option<int?> _workers = new("--workers") { Description = "Threads that decode a streamed image folder (default: one per core)." };
    private readonly Option<string> _normalize = EnumOption.Create("--normalize",
        "Standardise inputs with the training set's per-channel statistics (dataset), ImageNet's mean and std as torchvision's pretrained weights expect (imagenet), or not at all, pixels / 255 (none); recorded in the model card.",
        InputNormalization.Dataset);
    private readonly Option<string?> _transfer = new("--transfer")
    {
        Description = "Rows without labels that distilled students also learn from, through the teacher's soft terms only: an image folder without class subfolders, an IDX images file, a CSV file without the label column, or a labeled set whose labels are ignored (its test part left out). Same image size and channels as the training data.",
    };
    private readonly Option<double?> _labeledFraction = new("--labeled-fraction")
    {
        Description = "Keep the labels of only this share of the training rows (seeded; the validation split is carved from them); the other rows join the transfer set without theirs. Default: 1 (all).",
    };

    /// <param name="defaultDataset">The data set when none is named; null leaves the choice to the caller (eval: the model's).</param>
    /// <param name="withPath">False when the command takes the path as an argument instead of --data.</param>
    /// <param name="withTransfer">True for commands that distil, where rows without labels mean something.</param>
    public DataOptionSet(Command command, string? defaultDataset, bool withPath = true, bool withTransfer = false)
    {
        _dataset = new Option<string?>("--dataset")
        {
            Description = defaultDataset is null
                ? "Data set to fetch (mnist or fashion-mnist); default: the one the model was trained on."
                : "Data set to fetch when --data is not given: mnist or fashion-mnist (for an IDX folder, its name).",
        };
        if (defaultDataset is not null) _dataset.DefaultValueFactory = _ => defaultDataset;
        _format.AcceptOnlyFromAmong(Enum.GetValues<DataFormat>().Select(DataFormats.Name).ToArray());
        _format.HelpName = string.Join('|', Enum.GetValues<DataFormat>().Select(DataFormats.Name));
        _channels.HelpName = "1|3";
        _channels.AcceptOnlyFromAmong("1", "3");
        Option[] transfer = withTransfer ? [_transfer, _labeledFraction] : [];
        Options = [.. new Option[] { _data, _dataset, _format, _imageSize, _channels, _labelColumn, _noHeader, _stream, _workers, _maxImagePixels, _normalize }.Where(o => withPath || o != _data), .. transfer];
        foreach (var option in new Option[] { _dataset, _data, _format, _imageSize, _channels, _labelColumn, _noHeader, _stream, _workers, _maxImagePixels, _normalize }.Concat(transfer))
            if (withPath || option != _data) command.Add(option);
        _withTransfer = withTransfer;
    }

    private readonly bool _withTransfer;

    /// <summary>The flags of this set, in the order help lists them.</summary>
    public IReadOnlyList<Option> Options { get; }

    public string? Dataset(ParseResult result) => result.GetValue(_dataset);

    public string? Path(ParseResult result) => result.GetValue(_data);

    /// <summary>The selection the flags make; <paramref name="dataset"/> replaces a missing --dataset.</summary>
    public DataSelection Read(ParseResult result, string? dataset = null) => new()
    {
        // An IDX folder of a known set says which it is unless --dataset does.
        Dataset = (result.GetResult(_dataset) is { Implicit: false } ? result.GetValue(_dataset) : null)
            ?? (result.GetValue(_data) is { } path && Directory.Exists(path) ? DatasetInfo.Identify(path)?.Name : null)
            ?? result.GetValue(_dataset) ?? dataset ?? "mnist",
        Path = result.GetValue(_data),
        Format = result.GetValue(_format),
        ImageSize = result.GetValue(_imageSize),
        Channels = result.GetValue(_channels),
        LabelColumn = result.GetValue(_labelColumn),
        HasHeader = result.GetValue(_noHeader) ? false : null,
        Stream = result.GetResult(_stream) is { } given ? given.Tokens.Count == 0 || result.GetValue(_stream) == true : null,
        Workers = result.GetValue(_workers),
        MaxImagePixels = result.GetValue(_maxImagePixels),
        Normalize = result.GetResult(_normalize) is { Implicit: false } ? EnumOption.Read<InputNormalization>(result, _normalize) : null,
        Transfer = _withTransfer ? result.GetValue(_transfer) : null,
        LabeledFraction = _withTransfer ? result.GetValue(_labeledFraction) : null,
    };
}
