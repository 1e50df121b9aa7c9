using Distill.Data;

namespace Distill.Studies;

/// <summary>A data set split three ways: train, validation (carved from train, for model selection) and test.</summary>
public sealed class StudyData : IDisposable
{
    private StudyData(DatasetInfo info, LabeledDataset train, LabeledDataset validation, LabeledDataset test)
    {
        Info = info;
        Train = train;
        Validation = validation;
        Test = test;
    }

    public DatasetInfo Info { get; }

    public LabeledDataset Train { get; }

    public LabeledDataset Validation { get; }

    public LabeledDataset Test { get; }

    /// <summary>Loads a known data set from <paramref name="directory"/>, or from the cache (fetching it) when null.</summary>
    public static StudyData Load(string dataset, string? directory, int validationCount, int seed, IProgress<string>? messages = null)
    {
        var info = DatasetInfo.Find(dataset);
        directory ??= new DatasetFetcher(DatasetFetcher.DefaultCacheRoot, messages).Fetch(info);
        if (!Directory.Exists(directory))
            throw new DistillException($"Data folder '{directory}' does not exist; run 'distill data fetch {info.Name}' or pass another --data-dir.");
        messages?.Report($"Loading {info.Name} from {directory}");
        var (fullTrain, test) = IdxDatasetLoader.Load(directory, info);
        try
        {
            var (train, validation) = fullTrain.SplitValidation(validationCount, seed);
            return new StudyData(info, train, validation, test);
        }
        catch
        {
            test.Dispose();
            throw;
        }
        finally
        {
            fullTrain.Dispose();
        }
    }

    public void Dispose()
    {
        Train.Dispose();
        Validation.Dispose();
        Test.Dispose();
    }
}
