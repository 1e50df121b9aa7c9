using Distill.Experiments;
using Distill.Reports;
using Distill.Studies;

namespace Distill.Tests.Support;

/// <summary>
/// One real compare run on tiny synthetic data, shared by the tests of what its output looks like,
/// and <see cref="Masked"/>: its result with every number that varies between machines (accuracies,
/// times, latencies, sizes) replaced by fixed ones, so a rendering of it can be compared with a snapshot.
/// </summary>
public sealed class TinyComparison : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public TinyComparison()
    {
        var data = Path.Combine(_folder.Path, "data");
        SyntheticIdx.WriteDataset(data, trainCount: 300, testCount: 100);
        RunFolder = _folder.File("run");
        var (code, _, errors) = InProcessCli.Run("compare", "--data", data, "--validation", "50", "--teacher-spec", "mlp:16",
            "--student-spec", "mlp:8", "--teacher-epochs", "1", "--student-epochs", "1", "--out", RunFolder);
        Assert.True(code == 0, errors);
        Result = ResultsReader.Read(RunFolder);
    }

    public string RunFolder { get; }

    /// <summary>The results as results.json stores them, read back as `distill report` reads them.</summary>
    public ExperimentResult Result { get; }

    /// <summary>
    /// <see cref="Result"/> with fixed numbers in which the distilled student loses to the scratch
    /// student by 4 errors, a fixed finish time, run folder and command, and no prediction files.
    /// </summary>
    public ExperimentResult Masked()
    {
        var run = Result.Runs.Single();
        return Result with
        {
            RunDirectory = "runs/compare-1",
            Command = "distill compare (its flags are in config.json)",
            Finished = new DateTimeOffset(2026, 1, 2, 3, 4, 0, TimeSpan.Zero),
            Teacher = Fixed(Result.Teacher!, 0.97, 3),
            Runs = [run with { RunDirectory = "runs/compare-1", Scratch = Fixed(run.Scratch, 0.91, 9), Distilled = Fixed(run.Distilled, 0.87, 13) }],
        };
    }

    private static ModelOutcome Fixed(ModelOutcome m, double accuracy, long errors) => m with
    {
        SizeBytes = m.Parameters * 4 + 1024,
        TestAccuracy = accuracy,
        TestErrors = errors,
        LastEpochTestAccuracy = accuracy,
        LastEpochTestErrors = errors,
        TrainingSeconds = 12.5,
        LatencyMilliseconds = 0.042,
        PredictionsPath = null,
        History = m.History.Select(h => h with
        {
            LearningRate = 0.001, TrainLoss = 0.5, TrainAccuracy = 0.9, ValidationLoss = 0.6, ValidationAccuracy = 0.88, Seconds = 12.5,
            LossTerms = h.LossTerms.ToDictionary(t => t.Key, _ => 0.25),
            UnweightedLossTerms = h.UnweightedLossTerms?.ToDictionary(t => t.Key, _ => 0.5),
            StepLosses = h.StepLosses?.Select(_ => 0.5).ToList(),
        }).ToList(),
    };

    public void Dispose() => _folder.Dispose();
}
