using Distill.Runs;
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
        Result = Json.Read<StudyResult>(Path.Combine(RunFolder, "results.json"), "results");
    }

    public string RunFolder { get; }

    /// <summary>The results as results.json stores them.</summary>
    public StudyResult Result { get; }

    /// <summary>
    /// <see cref="Result"/> with fixed numbers in which the distilled student loses to the scratch
    /// student by 4 errors, a fixed finish time and run folder, and no prediction files.
    /// </summary>
    public StudyResult Masked()
    {
        (double Accuracy, long Errors)[] fixedScores = [(0.97, 3), (0.91, 9), (0.87, 13)];
        return Result with
        {
            RunDirectory = "runs/compare-1",
            Finished = new DateTimeOffset(2026, 1, 2, 3, 4, 0, TimeSpan.Zero),
            Models = Result.Models.Select((m, i) => m with
            {
                SizeBytes = m.Parameters * 4 + 1024,
                TestAccuracy = fixedScores[i % 3].Accuracy,
                TestErrors = fixedScores[i % 3].Errors,
                LastEpochTestAccuracy = fixedScores[i % 3].Accuracy,
                LastEpochTestErrors = fixedScores[i % 3].Errors,
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
            }).ToList(),
        };
    }

    public void Dispose() => _folder.Dispose();
}
