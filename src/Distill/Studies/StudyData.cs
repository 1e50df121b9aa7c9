using Distill.Data;
using Distill.Native;

namespace Distill.Studies;

/// <summary>A data set split three ways: train, validation (for model selection) and test.</summary>
public sealed class StudyData : IDisposable
{
    private StudyData(DataDescription info, LabeledDataset train, LabeledDataset validation, LabeledDataset test)
    {
        Info = info;
        Train = train;
        Validation = validation;
        Test = test;
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
        Train.Dispose();
        Validation.Dispose();
        Test.Dispose();
    }
}
