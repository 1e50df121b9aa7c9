using Distill.Data;
using Distill.Native;
using static TorchSharp.torch;

namespace Distill.Studies;

/// <summary>A data set split three ways: train, validation (for model selection) and test.</summary>
public sealed class StudyData : IDisposable
{
    private LabeledDataset? _distillationTrain;

    private StudyData(DataDescription info, LabeledDataset train, LabeledDataset validation, LabeledDataset test, LabeledDataset? transfer)
    {
        Info = info;
        Train = train;
        Validation = validation;
        Test = test;
        Transfer = transfer;
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
        _distillationTrain?.Dispose();
        Transfer?.Dispose();
        Train.Dispose();
        Validation.Dispose();
        Test.Dispose();
    }
}
