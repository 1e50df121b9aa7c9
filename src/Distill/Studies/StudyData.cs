using Distill.Data;
using Distill.Native;
using static TorchSharp.torch;

namespace Distill.Studies;

/// <summary>A data set split three ways: train, validation (for model selection) and test.</summary>
public sealed class StudyData : IDisposable
{
    private readonly bool _owned;
    private LabeledDataset? _distillationTrain;

    /// <summary>False for a view made by <see cref="WithoutClasses"/>, which shares the test part and the transfer set with the data it came from.</summary>
    private bool OwnsShared { get; init; } = true;

    private StudyData(DataDescription info, LabeledDataset train, LabeledDataset validation, LabeledDataset test, LabeledDataset? transfer, bool owned = true)
    {
        Info = info;
        Train = train;
        Validation = validation;
        Test = test;
        Transfer = transfer;
        _owned = owned;
    }

    /// <summary>
    /// The user's own tensors as a study's data, used as given (no standardisation is measured or
    /// applied; the card records the identity). The caller keeps the data sets: disposing this leaves them alone.
    /// </summary>
    public static StudyData Of(LabeledDataset train, LabeledDataset validation, LabeledDataset test)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(validation);
        ArgumentNullException.ThrowIfNull(test);
        foreach (var (part, name) in new[] { (validation, "validation"), (test, "test") })
        {
            if (!part.SampleShape.SequenceEqual(train.SampleShape) || part.ClassCount != train.ClassCount)
                throw new DistillException($"The {name} set holds samples of shape {string.Join("x", part.SampleShape)} in {part.ClassCount} classes, the training set {string.Join("x", train.SampleShape)} in {train.ClassCount}.");
        }
        if (train.Count == 0 || validation.Count == 0 || test.Count == 0)
            throw new DistillException("The training, validation and test sets must each hold at least one sample.");
        // Dimension 1 of the features is the channel: an image's colour, a table's column.
        var channels = (int)train.SampleShape[0];
        var identity = new ChannelNormalization(new double[channels], Enumerable.Repeat(1.0, channels).ToArray());
        var classes = Enumerable.Range(0, train.ClassCount).Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var info = new DataDescription(train.Name, DataFormat.Idx, classes, train.SampleShape, identity);
        return new StudyData(info, train, validation, test, transfer: null, owned: false);
    }

    /// <summary>The labels of the classes left out of <see cref="Train"/> and <see cref="Validation"/>; empty for the whole data.</summary>
    public IReadOnlyList<int> ExcludedClasses { get; private init; } = [];

    /// <summary>
    /// The same data with every row of <paramref name="classes"/> left out of the training and
    /// validation parts (Hinton et al. 2015 §3: a transfer set without a class); the test part is
    /// shared and keeps every class. Disposing the result frees only the parts it made.
    /// </summary>
    public StudyData WithoutClasses(IReadOnlyList<int> classes)
    {
        var train = Keep(Train, classes);
        try
        {
            return new StudyData(Info, train, Keep(Validation, classes), Test, Transfer) { ExcludedClasses = classes, OwnsShared = false };
        }
        catch
        {
            train.Dispose();
            throw;
        }
    }

    private static LabeledDataset Keep(LabeledDataset part, IReadOnlyList<int> excluded)
    {
        TorchSharp.torch.Tensor rows;
        using (TorchSharp.torch.NewDisposeScope())
        {
            var mask = TorchSharp.torch.ones_like(part.Labels, dtype: TorchSharp.torch.ScalarType.Bool);
            foreach (var label in excluded) mask = mask.logical_and(part.Labels.ne(label));
            rows = mask.nonzero().flatten().MoveToOuterDisposeScope();
        }
        using (rows)
        {
            if (rows.shape[0] == 0)
                throw new DistillException($"Leaving out the excluded classes leaves no rows in {part.Name}.");
            return part.Subset(rows);
        }
    }

    /// <summary>Name, format, classes, input shape and the standardisation applied to every part.</summary>
    public DataDescription Info { get; }

    public LabeledDataset Train { get; }

    public LabeledDataset Validation { get; }

    public LabeledDataset Test { get; }

    /// <summary>Rows without labels (<see cref="LabeledDataset.Unlabeled"/>) that only distilled students see; null when there are none.</summary>
    public LabeledDataset? Transfer { get; }

    /// <summary>
    /// What distilled students train on: the labeled training rows, then the transfer rows, which get
    /// only the teacher's terms. Teachers and scratch students train on <see cref="Train"/> alone.
    /// </summary>
    public LabeledDataset DistillationTrain => Transfer is null ? Train : _distillationTrain ??= Train.Concat(Transfer, Train.Name + "+transfer");

    /// <summary>Loads a known data set from <paramref name="directory"/>, or from the cache (fetching it) when null.</summary>
    public static StudyData Load(string dataset, string? directory, int? validationCount, int seed, IProgress<string>? messages = null) =>
        Load(new DataSelection { Dataset = dataset, Path = directory }, validationCount, seed, messages);

    /// <summary>
    /// Loads the selected data. A source with its own validation part (an image folder's val/, a
    /// ratio split) keeps it; otherwise <paramref name="validationCount"/> training rows (null: the
    /// <see cref="ValidationSplit"/> default) are carved out with the seed, so model selection never
    /// touches the test set.
    /// </summary>
    public static StudyData Load(DataSelection selection, int? validationCount, int seed, IProgress<string>? messages = null)
    {
        var path = selection.Resolve(messages);
        messages?.Report($"Loading {(selection.Path is null ? selection.Dataset : path)}");
        var request = selection.ToRequest(path, seed);
        var loaded = DataSources.Load(request);
        // The readers' managed buffers (the raw file bytes, 55 MB for MNIST) are garbage now; the
        // split below copies the training set once more, so release them before it.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        if (selection.TestOnly) return TestOnly(loaded, request, messages);
        // Everything made on the way; what the result does not hold is disposed, all of it on a refusal.
        List<LabeledDataset?> made = [loaded.Train, loaded.Validation, loaded.Test];
        try
        {
            var (labeled, unlabeled) = KeepLabels(loaded.Train, selection.LabeledFraction, seed);
            made.AddRange([labeled, unlabeled]);
            var (train, validation) = loaded.Validation is { } own
                ? (labeled, own)
                : labeled.SplitValidation(ValidationSplit.Rows(validationCount, labeled.Count), seed);
            made.AddRange([train, validation]);
            var transfer = ReadTransfer(selection, request, loaded.Info, train, unlabeled, messages);
            made.Add(transfer);
            var data = new StudyData(loaded.Info, train, validation, loaded.Test, transfer);
            DisposeAll(made, except: [train, validation, loaded.Test, transfer]);
            return data;
        }
        catch
        {
            DisposeAll(made, except: []);
            throw;
        }
        finally
        {
            FreedMemory.Release();
        }
    }

    /// <summary>
    /// The test part alone, for a run that reads no training or validation row (a data-free student beside a
    /// loaded teacher): the training and validation parts are empty, of the test part's shape.
    /// </summary>
    private static StudyData TestOnly(LoadedData loaded, DataRequest request, IProgress<string>? messages)
    {
        try
        {
            var known = loaded.Info.Format == DataFormat.Idx && DatasetInfo.All.Any(d => d.Name == loaded.Info.Name);
            var measured = request.Normalization is null && request.Normalize == InputNormalization.Dataset && !known;
            messages?.Report($"Reading the {loaded.Test.Count:N0} test rows alone (no training or validation row){(measured ? ", standardised with their own inputs' statistics (labels unused)" : "")}");
            return new StudyData(loaded.Info, loaded.Train, loaded.Test.Empty(loaded.Info.Name + "/validation"), loaded.Test, transfer: null);
        }
        catch
        {
            loaded.Dispose();
            throw;
        }
    }

    private static void DisposeAll(IEnumerable<LabeledDataset?> parts, IReadOnlyList<LabeledDataset?> except)
    {
        foreach (var part in parts.OfType<LabeledDataset>().Distinct(ReferenceEqualityComparer.Instance).Cast<LabeledDataset>())
            if (!except.Any(kept => ReferenceEquals(kept, part))) part.Dispose();
    }

    /// <summary>The seeded <paramref name="fraction"/> of <paramref name="train"/> that keeps its labels, and the rest without them (null when all keep them).</summary>
    private static (LabeledDataset Labeled, LabeledDataset? Unlabeled) KeepLabels(LabeledDataset train, double? fraction, int seed)
    {
        if (fraction is not { } share || share >= 1) return (train, null);
        var kept = (long)Math.Max(1, Math.Round(share * train.Count));
        if (kept >= train.Count) return (train, null);
        using var order = randperm(train.Count, generator: new Generator((ulong)seed + 7919));
        using var labeledRows = order.narrow(0, 0, kept);
        using var unlabeledRows = order.narrow(0, kept, train.Count - kept);
        var labeled = train.Subset(labeledRows, train.Name + "/labeled");
        var unlabeled = train.Subset(unlabeledRows, train.Name + "/unlabeled");
        unlabeled.Labels.fill_(LabeledDataset.Unlabeled);
        return (labeled, unlabeled);
    }

    /// <summary>The rows distilled students add to <paramref name="train"/>: the transfer set the selection names, then the training rows whose labels were dropped.</summary>
    private static LabeledDataset? ReadTransfer(DataSelection selection, DataRequest request, DataDescription info, LabeledDataset train, LabeledDataset? unlabeled, IProgress<string>? messages)
    {
        if (selection.Transfer is not { } path) return unlabeled;
        messages?.Report($"Loading the transfer set {path}");
        var read = TransferSet.Load(path, request, info, train);
        if (unlabeled is null) return read;
        using (read) return unlabeled.Concat(read, unlabeled.Name + "+transfer");
    }

    public void Dispose()
    {
        if (!_owned) return;
        _distillationTrain?.Dispose();
        if (OwnsShared) Transfer?.Dispose();
        Train.Dispose();
        Validation.Dispose();
        if (OwnsShared) Test.Dispose();
    }
}
