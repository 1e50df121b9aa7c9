using Distill.Losses;
using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Data;

/// <summary>
/// Inputs and integer class labels: features [N, ...sample shape] float32, held as one tensor or,
/// for data too large for memory, read a batch at a time from a <see cref="IRowStore"/>; labels [N]
/// int64 always in memory, <see cref="Unlabeled"/> for a row of a transfer set, which has inputs but
/// no class. Owns its tensors; subsets copy the selected rows (or file names).
/// </summary>
public sealed class LabeledDataset : IDisposable
{
    /// <summary>The label of a row without a class: it gets only the teacher's (soft) loss terms.</summary>
    public const long Unlabeled = -1;

    private readonly Tensor? _features;

    public LabeledDataset(string name, Tensor features, Tensor labels, int classCount)
        : this(name, features, null, labels, classCount)
    {
    }

    /// <summary>A data set whose inputs are read from <paramref name="store"/> batch by batch.</summary>
    public LabeledDataset(string name, IRowStore store, Tensor labels, int classCount)
        : this(name, null, store, labels, classCount)
    {
    }

    private LabeledDataset(string name, Tensor? features, IRowStore? store, Tensor labels, int classCount)
    {
        var count = features?.shape[0] ?? store!.Count;
        if (count != labels.shape[0])
            throw new DataFormatException($"Data set '{name}' has {count} inputs but {labels.shape[0]} labels.");
        if (classCount < 2)
            throw new DataFormatException($"Data set '{name}' must have at least 2 classes, not {classCount}.");
        if (labels.numel() > 0)
        {
            var min = labels.min().item<long>();
            var max = labels.max().item<long>();
            if (min < Unlabeled || max >= classCount)
                throw new DataFormatException(
                    $"Data set '{name}' has a label {(min < Unlabeled ? min : max)} outside the {classCount} classes 0..{classCount - 1}.");
        }
        Name = name;
        _features = features;
        Store = store;
        Labels = labels;
        ClassCount = classCount;
    }

    public string Name { get; }

    /// <summary>Inputs, [N, ...SampleShape], float32; only for data held in memory (see <see cref="Batches(int)"/>).</summary>
    public Tensor Features => _features
        ?? throw new InvalidOperationException($"'{Name}' is decoded on the fly; read it through Batches.");

    /// <summary>Where streamed inputs come from; null when they are held in memory.</summary>
    public IRowStore? Store { get; }

    public bool IsStreamed => Store is not null;

    /// <summary>Class indices, [N], int64.</summary>
    public Tensor Labels { get; }

    public int ClassCount { get; }

    public long Count => Labels.shape[0];

    /// <summary>Rows with a class (all but those of a transfer set).</summary>
    public long LabeledCount
    {
        get
        {
            // Each temporary held: one left to the collector can be freed while libtorch reads it.
            using var isLabeled = Labels.ge(HeldScalar.Of(0L));
            using var labeled = isLabeled.sum();
            return labeled.item<long>();
        }
    }

    /// <summary>
    /// This set's rows followed by <paramref name="other"/>'s, in one new set: in memory when both are,
    /// one streamed folder when both are streamed image folders of one shape.
    /// </summary>
    public LabeledDataset Concat(LabeledDataset other, string name)
    {
        if (!SampleShape.SequenceEqual(other.SampleShape))
            throw new DistillException(
                $"The rows of '{other.Name}' are {string.Join("x", other.SampleShape)} but those of '{Name}' are {string.Join("x", SampleShape)}.");
        var labels = cat([Labels, other.Labels]);
        if (_features is not null && other._features is not null) return new(name, cat([_features, other._features]), labels, ClassCount);
        if (Store is Sources.ImageFileStore mine && other.Store is Sources.ImageFileStore theirs) return new(name, mine.Join(theirs), labels, ClassCount);
        labels.Dispose();
        throw new DistillException(
            $"'{Name}' and '{other.Name}' are held differently (one in memory, one decoded on the fly); pass --stream false or --stream true to read both the same way.");
    }

    /// <summary>Shape of one input, without the batch dimension.</summary>
    public long[] SampleShape => _features?.shape[1..] ?? Store!.SampleShape;

    /// <summary>A new data set holding the rows at <paramref name="indices"/> (int64 tensor).</summary>
    public LabeledDataset Subset(Tensor indices, string? name = null) => _features is not null
        ? new(name ?? Name, _features.index_select(0, indices), Labels.index_select(0, indices), ClassCount)
        : new(name ?? Name, Store!.Subset(indices.data<long>().ToArray()), Labels.index_select(0, indices), ClassCount);

    /// <summary>No rows, of this set's shape and classes: the parts a data-free run does not read.</summary>
    public LabeledDataset Empty(string name)
    {
        using var none = zeros(0, dtype: ScalarType.Int64);
        return Subset(none, name);
    }

    /// <summary>
    /// The inputs of each batch of <paramref name="rows"/> (int64 index tensors, which this takes over),
    /// in order: a lookup in memory, a decode ahead of use by background workers when streamed.
    /// The caller disposes both tensors of each pair.
    /// </summary>
    public IEnumerable<(Tensor Rows, Tensor Inputs)> Batches(IEnumerable<Tensor> rows) =>
        _features is null ? BatchPrefetcher.Stream(Store!, rows) : rows.Select(r => (r, _features.index_select(0, r)));

    /// <summary>Every row in order, in batches of <paramref name="batchSize"/>.</summary>
    public IEnumerable<(Tensor Rows, Tensor Inputs)> Batches(int batchSize) =>
        Batches(new BatchSampler(Count, batchSize, shuffle: false).Epoch());

    /// <summary>
    /// Carves a validation set of <paramref name="validationCount"/> rows out of this set, chosen by
    /// a seeded permutation, so model selection never touches the test set.
    /// </summary>
    public (LabeledDataset Train, LabeledDataset Validation) SplitValidation(int validationCount, int seed)
    {
        if (validationCount <= 0 || validationCount >= Count)
            throw new DistillException(
                $"The validation split must hold between 1 and {Count - 1} of the {Count} training rows, not {validationCount}.");
        var generator = new Generator((ulong)seed);
        using var order = randperm(Count, generator: generator);
        using var validationRows = order[..validationCount];
        using var trainRows = order[validationCount..];
        return (Subset(trainRows, Name + "/train"), Subset(validationRows, Name + "/validation"));
    }

    public void Dispose()
    {
        _features?.Dispose();
        Labels.Dispose();
    }
}
