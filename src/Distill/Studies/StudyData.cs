using Distill.Data;
using Distill.Native;

namespace Distill.Studies;

/// <summary>A data set split three ways: train, validation (for model selection) and test.</summary>
public sealed class StudyData : IDisposable
{
    private readonly bool _owned;

    /// <summary>False for a view made by <see cref="WithoutClasses"/>, which shares the test part.</summary>
    private bool OwnsTest { get; init; } = true;

    private StudyData(DataDescription info, LabeledDataset train, LabeledDataset validation, LabeledDataset test, bool owned = true)
    {
        Info = info;
        Train = train;
        Validation = validation;
        Test = test;
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
        return new StudyData(info, train, validation, test, owned: false);
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
            return new StudyData(Info, train, Keep(Validation, classes), Test) { ExcludedClasses = classes, OwnsTest = false };
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
        var loaded = DataSources.Load(selection.ToRequest(path, seed));
        // The readers' managed buffers (the raw file bytes, 55 MB for MNIST) are garbage now; the
        // split below copies the training set once more, so release them before it.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        if (loaded.Validation is { } validation) return new StudyData(loaded.Info, loaded.Train, validation, loaded.Test);
        try
        {
            var (train, carved) = loaded.Train.SplitValidation(ValidationSplit.Rows(validationCount, loaded.Train.Count), seed);
            return new StudyData(loaded.Info, train, carved, loaded.Test);
        }
        catch
        {
            loaded.Test.Dispose();
            throw;
        }
        finally
        {
            loaded.Train.Dispose();
            FreedMemory.Release();
        }
    }

    public void Dispose()
    {
        if (!_owned) return;
        Train.Dispose();
        Validation.Dispose();
        if (OwnsTest) Test.Dispose();
    }
}
