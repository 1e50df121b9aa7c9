using Distill.Data.Sources;

namespace Distill.Data;

/// <summary>
/// The registry of data formats: finds the reader for a path (from its contents, or the format
/// forced by the user), reads it, and standardises every part with the training set's statistics (read
/// for its test part alone, <see cref="DataRequest.TestOnly"/>, with the test inputs' own where nothing else gives them).
/// </summary>
public static class DataSources
{
    public static IReadOnlyList<IDataSource> All { get; } = [new IdxSource(), new CifarSource(), new ImageFolderSource(), new CsvSource()];

    public static IDataSource For(DataFormat format) => All.First(s => s.Format == format);

    /// <summary>The format of <paramref name="path"/>, from its contents.</summary>
    public static DataFormat Detect(string path)
    {
        if (!File.Exists(path) && !Directory.Exists(path))
            throw new DistillException($"Data path '{path}' does not exist.");
        return All.FirstOrDefault(s => s.Recognises(path))?.Format
               ?? throw new DistillException(
                   $"'{path}' is not a data set Distill recognises: expected a folder with IDX files, CIFAR .bin files or one subfolder of images per class, or a CSV file; force a format with --format idx|cifar|images|csv.");
    }

    public static LoadedData Load(DataRequest request)
    {
        request.Validate();
        var format = request.Format ?? Detect(request.Path);
        if (!File.Exists(request.Path) && !Directory.Exists(request.Path))
            throw new DistillException($"Data path '{request.Path}' does not exist.");
        var source = For(format).Read(request);
        var shape = source.Test.SampleShape;
        var shaped = format is DataFormat.Idx or DataFormat.Cifar
                     && (request.Channels is { } c && c != shape[0] || request.ImageSize is { } s && (s != shape[1] || s != shape[2]));
        List<LabeledDataset> parts = [];
        try
        {
            // Read for its test part alone, a source's training part is empty by design.
            foreach (var part in source.Parts.Where(p => !request.TestOnly || p == source.Test))
                if (part.Count == 0)
                    throw new DataFormatException($"The {PartName(part.Name)} part of {source.Name} is empty; it needs at least one example.");
            // Before standardisation: a saved model's statistics belong to its columns, not to the file's positions.
            var order = request.ModelColumns is { } model && source.Columns is { } columns ? ColumnOrder.Match(model, columns, source.Name) : null;
            List<LabeledDataset> read = request.TestOnly ? [source.Test] : source.Parts.ToList();
            parts = order is not null ? read.Select(p => ColumnOrder.Select(p, order)).ToList()
                : shaped ? read.Select(p => Reshape(p, request)).ToList()
                : read;
            if (shaped || order is not null) source.Dispose();
            if (request.TestOnly) parts = [shaped || order is not null ? parts[0].Empty(source.Train.Name) : source.Train, parts[0]];
            var normalization = request.Normalization
                                ?? ChannelNormalization.Fixed(request.Normalize, parts[0].SampleShape)
                                ?? (shaped ? null : source.KnownNormalization)
                                // Without training rows (a data-free run), the test inputs' own statistics: their labels are never read.
                                ?? ChannelNormalization.Measure(request.TestOnly ? parts[^1] : parts[0]);
            foreach (var part in parts) normalization.Apply(part);
            var info = new DataDescription(source.Name, format, source.ClassNames, parts[0].SampleShape, normalization) {
                Columns = order is null ? source.Columns : request.ModelColumns!.Names,
                ReorderedFrom = order is null ? null : source.Columns,
                Seed = request.Seed,
                LabelColumn = format == DataFormat.Csv ? source.LabelColumn ?? request.LabelColumn : null,
                HasHeader = format == DataFormat.Csv && !request.HasHeader ? false : null,
                Normalize = request.Normalization is null ? request.Normalize : null,
            };
            return new LoadedData(info, parts[0], parts.Count == 3 ? parts[1] : null, parts[^1]);
        }
        catch
        {
            source.Dispose();
            foreach (var part in parts) part.Dispose();
            throw;
        }
    }

    private static string PartName(string name) => name[(name.LastIndexOf('/') + 1)..];

    private static LabeledDataset Reshape(LabeledDataset part, DataRequest request) =>
        new(part.Name, ImageShaping.Conform(part.Features, request.Channels, request.ImageSize), part.Labels.clone(), part.ClassCount);
}
