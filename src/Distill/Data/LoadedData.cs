namespace Distill.Data;

/// <summary>A standardised data set: its description and its parts (validation null when the source has none).</summary>
public sealed class LoadedData : IDisposable
{
    public LoadedData(DataDescription info, LabeledDataset train, LabeledDataset? validation, LabeledDataset test)
    {
        Info = info;
        Train = train;
        Validation = validation;
        Test = test;
    }

    public DataDescription Info { get; }

    public LabeledDataset Train { get; }

    public LabeledDataset? Validation { get; }

    public LabeledDataset Test { get; }

    public void Dispose()
    {
        Train.Dispose();
        Validation?.Dispose();
        Test.Dispose();
    }
}
