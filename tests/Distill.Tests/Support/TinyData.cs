using Distill.Studies;

namespace Distill.Tests.Support;

/// <summary>A small synthetic data set on disk, loaded as a study would load it.</summary>
public sealed class TinyData : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public TinyData(int trainCount = 600, int testCount = 200, int validation = 100)
    {
        DataDirectory = Path.Combine(_folder.Path, "data");
        SyntheticIdx.WriteDataset(DataDirectory, trainCount, testCount);
        Data = StudyData.Load("mnist", DataDirectory, validation, seed: 1);
        RunsDirectory = Path.Combine(_folder.Path, "runs");
    }

    public string DataDirectory { get; }

    public string RunsDirectory { get; }

    public StudyData Data { get; }

    public void Dispose()
    {
        Data.Dispose();
        _folder.Dispose();
    }
}
