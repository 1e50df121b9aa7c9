using Distill.Data;
using Distill.Methods;
using Distill.Models;
using Distill.Runs;
using Distill.Studies;
using Distill.Teachers;
using Distill.Tests.Support;
using Distill.Training;
using static TorchSharp.torch;

namespace Distill.Tests.Studies;

/// <summary>--tune: successive halving over kd's temperature and weights, judged on validation only.</summary>
public sealed class TuneTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Successive_halving_keeps_the_best_half_on_validation_and_picks_the_best_finalist()
    {
        var dataFolder = Path.Combine(_folder.Path, "data");
        SyntheticIdx.WriteDataset(dataFolder, trainCount: 300, testCount: 100);
        using var data = StudyData.Load(new DataSelection { Dataset = "synthetic", Path = dataFolder }, 60, seed: 1);
        manual_seed(1);
        using var teacherModel = ModelBuilder.Build(ModelSpec.Parse("mlp:32"), data.Train.SampleShape, data.Info.ClassCount);
        new Trainer(new TrainingOptions { Epochs = 2, BatchSize = 32 }).Train("teacher", teacherModel, data.Train, data.Validation, new SupervisedObjective());
        using var teacher = new FrozenTeacher(teacherModel, data.Train.Features);
        var tune = new TuneOptions { Temperatures = [1, 4], SoftWeights = [0.2, 0.9], Reduction = 2 };

        using var folder = RunFolder.Create(Path.Combine(_folder.Path, "run"), replace: false);
        var runner = new ModelRunner(data, folder);

        var result = DistillationTuner.Search(new TrainingOptions { Epochs = 2, BatchSize = 32 }, new DistillationOptions(), tune,
            (candidate, training) => runner.Trial("tuning", "mlp:8", training, student => DistillationObjective.Create(student, teacher, candidate,
                data.Train.SampleShape, data.Info.ClassCount, data.Train.Count, training.Seed, augmented: false)).BestValidationAccuracy);

        var first = result.Trials.Where(t => t.Round == 1).ToList();
        var second = result.Trials.Where(t => t.Round == 2).ToList();
        Assert.Equal(4, first.Count);
        Assert.All(first, t => Assert.Equal(1, t.Epochs));
        Assert.Equal(2, second.Count);
        Assert.All(second, t => Assert.Equal(2, t.Epochs));
        var survivors = first.OrderByDescending(t => t.ValidationAccuracy).Take(2).Select(t => (t.Temperature, t.SoftTargetWeight)).ToList();
        Assert.Equal(survivors.Order(), second.Select(t => (t.Temperature, t.SoftTargetWeight)).Order());
        var best = second.OrderByDescending(t => t.ValidationAccuracy).First();
        Assert.Equal(best.Temperature, result.Chosen.Temperature);
        Assert.Equal(best.SoftTargetWeight, result.Chosen.SoftTargetWeight);
        Assert.Equal(1 - best.SoftTargetWeight, result.Chosen.ResolvedHardLabelWeight(), 9);
        Assert.All(result.Trials, t => Assert.InRange(t.ValidationAccuracy, 0, 1));
        Assert.Contains("Tuning chose T=", result.Reason);
    }

    [Theory]
    [InlineData(20)]
    [InlineData(0)]
    public void Every_candidate_keeps_the_runs_temperature_warm_up_and_the_choice_says_so(int warmup)
    {
        var seen = new List<(double Temperature, int Warmup, int Epochs)>();
        var tune = new TuneOptions { Temperatures = [2, 4, 8], SoftWeights = [0.5, 0.9], Reduction = 3 };

        var result = DistillationTuner.Search(new TrainingOptions { Epochs = 9 }, new DistillationOptions { TemperatureWarmupEpochs = warmup }, tune, (candidate, training) =>
        {
            seen.Add((candidate.Temperature, candidate.TemperatureWarmupEpochs, training.Epochs));
            return candidate.Temperature / 10 + candidate.SoftTargetWeight / 100;
        });

        Assert.Equal(6 + 2, seen.Count);
        Assert.All(seen, s => Assert.Equal(warmup, s.Warmup));
        Assert.Equal([3, 9], seen.Select(s => s.Epochs).Distinct());
        Assert.Equal(warmup, result.Chosen.TemperatureWarmupEpochs);
        Assert.Equal(8, result.Chosen.Temperature);
        if (warmup > 0) Assert.Contains("(T warm-up 20 ep, kept from the run's options)", result.Reason);
        else Assert.DoesNotContain("warm-up", result.Reason);
    }

    [Fact]
    public void The_test_set_takes_no_part_in_the_choice()
    {
        // Two folders with the same training data and different test sets must tune alike.
        var a = Path.Combine(_folder.Path, "a");
        var b = Path.Combine(_folder.Path, "b");
        SyntheticIdx.WriteDataset(a, trainCount: 300, testCount: 100, seed: 7);
        SyntheticIdx.WriteDataset(b, trainCount: 300, testCount: 100, seed: 7);
        var (images, labels) = SyntheticIdx.Generate(100, 12, 10, new Random(99));
        Array.Reverse(labels);
        SyntheticIdx.WriteImages(Path.Combine(b, DatasetInfo.TestImages), images, 100, 12, 12);
        SyntheticIdx.WriteLabels(Path.Combine(b, DatasetInfo.TestLabels), labels);

        string Tune(string data, string name)
        {
            var run = _folder.File(name);
            var (code, _, errors) = InProcessCli.Run("compare", "--data", data, "--validation", "60", "--teacher-spec", "mlp:32",
                "--student-spec", "mlp:8", "--teacher-epochs", "1", "--student-epochs", "2", "--tune", "-T", "3", "--out", run);
            Assert.True(code == 0, errors);
            Assert.Contains("warning: --tune chooses the temperature and weights, so --temperature is ignored.", errors);
            Assert.Contains("Tuning chose T=", errors);
            return File.ReadAllText(Path.Combine(run, "distilled", TuneResult.FileName));
        }

        var tunedA = Json.Read<TuneResult>(WriteTemp(Tune(a, "run-a")), "tune");
        var tunedB = Json.Read<TuneResult>(WriteTemp(Tune(b, "run-b")), "tune");

        Assert.Equal(tunedA.Trials, tunedB.Trials);
        Assert.Equal(tunedA.Chosen.Temperature, tunedB.Chosen.Temperature);
        Assert.Equal(9, tunedA.Trials.Count(t => t.Round == 1));
    }

    private string WriteTemp(string text)
    {
        var path = _folder.File(Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Tuning_a_method_other_than_kd_is_refused_before_any_work()
    {
        var data = Path.Combine(_folder.Path, "data");
        SyntheticIdx.WriteDataset(data, trainCount: 300, testCount: 100);
        var run = _folder.File("run");

        var (code, _, errors) = InProcessCli.Run("compare", "--data", data, "--validation", "60", "--method", "at", "--tune", "--out", run);

        Assert.Equal(1, code);
        Assert.Contains("needs the method kd", errors);
        Assert.False(Directory.Exists(run));
    }

    [Fact]
    public void A_trial_of_the_users_own_instance_trains_it_and_puts_its_weights_back()
    {
        var dataFolder = Path.Combine(_folder.Path, "data");
        SyntheticIdx.WriteDataset(dataFolder, trainCount: 600, testCount: 50);
        using var data = StudyData.Load(new DataSelection { Path = dataFolder }, 50, seed: 1);
        manual_seed(3);
        using var student = nn.Sequential(("flatten", nn.Flatten()), ("fc", nn.Linear(144, 10)));
        var before = student.state_dict().ToDictionary(p => p.Key, p => p.Value.clone());
        using var folder = RunFolder.Create(Path.Combine(_folder.Path, "run"), replace: false);

        var trial = new ModelRunner(data, folder).Trial("tuning", "module:own", new TrainingOptions { Epochs = 5, BatchSize = 25 },
            _ => new SupervisedObjective(), source: ModelSource.Module(student));

        Assert.True(trial.BestValidationAccuracy > 0.3, $"the trial reached only {trial.BestValidationAccuracy:P1}");
        foreach (var (name, value) in student.state_dict()) Assert.True(value.allclose(before[name], rtol: 0, atol: 0), $"the instance's {name} was not put back");
    }
}
