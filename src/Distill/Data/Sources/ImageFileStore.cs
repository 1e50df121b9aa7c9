using Distill.Data.Augmentation;
using static TorchSharp.torch;

namespace Distill.Data.Sources;

/// <summary>
/// The images of a folder too large to hold as one tensor, decoded when a batch is asked for: the
/// batch's files are split across <see cref="Workers"/> threads, each decoding, resizing and
/// standardising exactly as the in-memory reader does, so both give the same inputs.
/// </summary>
public sealed class ImageFileStore : IRowStore
{
    private readonly IReadOnlyList<string> _files;
    private readonly int _channels;
    private readonly int _height;
    private readonly int _width;
    private ChannelNormalization? _normalization;

    public ImageFileStore(IReadOnlyList<string> files, int channels, int height, int width, int workers)
    {
        if (workers < 1) throw new DistillException($"The number of decoding workers must be 1 or more, not {workers}.");
        _files = files;
        _channels = channels;
        _height = height;
        _width = width;
        Workers = workers;
    }

    public long Count => _files.Count;

    public long[] SampleShape => [_channels, _height, _width];

    public int Workers { get; }

    public Tensor Read(long[] rows)
    {
        var batch = zeros(rows.Length, _channels, _height, _width);
        try
        {
            Parallel.For(0, rows.Length, new ParallelOptions { MaxDegreeOfParallelism = Workers }, i =>
            {
                using var noGrad = no_grad();
                using var scope = NewDisposeScope();
                batch[i].copy_(ImageFolderSource.DecodeOne(_files[(int)rows[i]], _channels, _height, _width));
            });
            _normalization?.Apply(batch);
            return batch;
        }
        catch (AggregateException e) when (e.InnerExceptions.OfType<DistillException>().FirstOrDefault() is { } first)
        {
            batch.Dispose();
            throw first;
        }
        catch
        {
            batch.Dispose();
            throw;
        }
    }

    public IRowStore Subset(long[] rows)
    {
        var subset = new ImageFileStore(rows.Select(r => _files[(int)r]).ToList(), _channels, _height, _width, Workers);
        if (_normalization is not null) subset.Standardise(_normalization);
        return subset;
    }

    /// <summary>This store's files followed by <paramref name="other"/>'s, decoded at this store's size and standardised alike.</summary>
    public ImageFileStore Join(ImageFileStore other)
    {
        var joined = new ImageFileStore(_files.Concat(other._files).ToList(), _channels, _height, _width, Workers);
        if (_normalization is not null) joined.Standardise(_normalization);
        return joined;
    }

    public void Standardise(ChannelNormalization normalization)
    {
        if (normalization.Mean.Length != _channels)
            throw new DistillException($"The normalisation has {normalization.Mean.Length} channels but the images have {_channels}.");
        _normalization = normalization;
    }

    public ImageRange Range()
    {
        // Decoded pixels run from 0 to 1 before standardisation.
        var mean = _normalization?.Mean ?? new double[_channels];
        var std = _normalization?.Std ?? Enumerable.Repeat(1.0, _channels).ToArray();
        var black = tensor(mean.Zip(std, (m, s) => (float)((0 - m) / s)).ToArray()).view(1, _channels, 1, 1);
        var white = tensor(mean.Zip(std, (m, s) => (float)((1 - m) / s)).ToArray()).view(1, _channels, 1, 1);
        return new ImageRange(black, white);
    }
}
