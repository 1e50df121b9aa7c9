using Distill.Experiments;
using Distill.Methods;
using Distill.Reports;
using Distill.Runs;
using Distill.Studies;
using Distill.Teachers;
using Distill.Tests.Support;
using Distill.Training;

namespace Distill.Tests.Teachers;

/// <summary>
/// Teacher-assistant chains and ensembles as studies: every stage of a chain distils from the best
/// weights of the stage before (re-running one stage alone from the saved best.bin of the previous
/// one gives the same weights), and every model of both shows up as its own row.
/// </summary>
public sealed class TeacherChainTests
{
    // A learning rate high enough that validation accuracy wanders, so best and last epochs differ
    // and a stage that took the last weights instead of the best would be caught.
    private static readonly TrainingOptions Noisy = new() { Epochs = 4, BatchSize = 32, Optimizer = new OptimizerOptions { LearningRate = 0.03 } };

    private static StudyOptions Chain(string data) => new()
    {
        Data = data,
        ValidationCount = 100,
        Chain = ["mlp:48", "mlp:24", "mlp:12"],
        TeacherTraining = Noisy with { Seed = 1 },
        StudentTraining = Noisy with { Seed = 1 },
    };

    [Fact]
    public void Each_stage_of_a_chain_distils_from_the_best_weights_of_the_stage_before()
    {
        using var tiny = new TinyData();
        var options = Chain(tiny.DataDirectory);
        var chainRun = Path.Combine(tiny.RunsDirectory, "chain");
        using (var folder = RunFolder.Create(chainRun, replace: false))
        {
            var result = new StudyPipeline().Run(StudyPlan.Study(options), folder);
            Assert.Equal(
                ["Teacher", "Student (scratch)", "Student (distilled)", "Assistant 1 (mlp:24)", "Student (via mlp:24)"],
                result.Models.Select(m => m.Label));
            var teacher = result.Models[0];
            var assistant = result.Models[3];
            Assert.True(teacher.BestEpoch < teacher.EpochsRun && assistant.BestEpoch < assistant.EpochsRun,
                $"the test needs best epochs before the last (teacher {teacher.BestEpoch}/{teacher.EpochsRun}, assistant {assistant.BestEpoch}/{assistant.EpochsRun})");
        }

        // Each stage again, alone, from the previous stage's saved best weights.
        var stages = new[] { ("teacher", "assistant-1", "mlp:24"), ("assistant-1", "chain", "mlp:12") };
        foreach (var (from, to, spec) in stages)
        {
            var alone = Path.Combine(tiny.RunsDirectory, "alone-" + to);
            using var folder = RunFolder.Create(alone, replace: false);
            using var data = StudyData.Load(options.ToDataSelection(), options.ValidationCount, seed: 1);
            using var runner = new StudyRunner(data, folder);
            runner.Run(
            [
                StudyRole.Loaded(ModelRole.Teacher, "teacher", Path.Combine(chainRun, from, "best.bin")),
                StudyRole.Distilled(to, spec, options.StudentTraining, "teacher", options.Distillation),
            ]);
            Assert.True(Weights(Path.Combine(chainRun, to)).SequenceEqual(Weights(Path.Combine(alone, to))),
                $"{to} differs from a run distilled from {from}/best.bin alone");
        }
    }

    [Fact]
    public void Chain_steps_may_each_use_another_method()
    {
        using var tiny = new TinyData();
        var options = Chain(tiny.DataDirectory) with { ChainMethods = ["dkd", "kd"], TeacherTraining = new TrainingOptions { Epochs = 1 }, StudentTraining = new TrainingOptions { Epochs = 1 } };
        using var folder = RunFolder.Create(Path.Combine(tiny.RunsDirectory, "run"), replace: false);

        var result = new StudyPipeline().Run(StudyPlan.Study(options), folder);

        Assert.Contains("dkd", result.Models[3].Hyperparameters);
        Assert.DoesNotContain("dkd", result.Models[^1].Hyperparameters);
        Assert.Contains("T=4", result.Models[^1].Hyperparameters);
    }

    [Fact]
    public void An_ensemble_study_shows_each_member_and_the_ensemble_as_rows_and_the_ensemble_is_what_students_learn_from()
    {
        using var tiny = new TinyData();
        var options = new StudyOptions
        {
            Data = tiny.DataDirectory,
            ValidationCount = 100,
            Teachers = ["mlp:32", "mlp:32", "mlp:16"],
            Ensemble = EnsembleMode.Probabilities,
            StudentSpec = "mlp:8",
            TeacherTraining = new TrainingOptions { Epochs = 2, BatchSize = 32 },
            StudentTraining = new TrainingOptions { Epochs = 2, BatchSize = 32 },
        };
        using var folder = RunFolder.Create(Path.Combine(tiny.RunsDirectory, "run"), replace: false);

        var result = new StudyPipeline().Run(StudyPlan.Study(options), folder);

        Assert.Equal(["Teacher 1 of 3", "Teacher 2 of 3", "Teacher 3 of 3", "Teacher ensemble (probabilities, 3 teachers)", "Student (scratch)", "Student (distilled)"],
            result.Models.Select(m => m.Label));
        // Same spec, seeds 1 and 2: two different teachers.
        Assert.NotEqual(result.Models[0].TestErrors + result.Models[0].History[^1].TrainLoss, result.Models[1].TestErrors + result.Models[1].History[^1].TrainLoss);
        var ensemble = result.Models[3];
        Assert.Equal("ensemble:mlp:32+mlp:32+mlp:16", ensemble.Spec);
        Assert.Equal(result.Models.Take(3).Sum(m => m.Parameters), ensemble.Parameters);
        Assert.Equal(tiny.Data.Test.Count, ensemble.ConfusionMatrix.Sum(r => r.Sum()));
        Assert.True(File.Exists(Path.Combine(folder.Path, "teacher", "ensemble.json")));
        Assert.Contains("Teacher ensemble (probabilities, 3 teachers)", File.ReadAllText(Path.Combine(folder.Path, "summary.md")));
        Assert.Contains("Teacher 3 of 3", File.ReadAllText(Path.Combine(folder.Path, "report.html")));
    }

    [Fact]
    public void The_assistant_is_chosen_among_the_candidates_by_its_students_validation_accuracy()
    {
        using var tiny = new TinyData();
        var options = new StudyOptions
        {
            Data = tiny.DataDirectory,
            ValidationCount = 100,
            Chain = ["mlp:48", "mlp:8"],
            AssistantCandidates = ["mlp:12", "mlp:24", "mlp:4"],
            TeacherTraining = new TrainingOptions { Epochs = 2, BatchSize = 32 },
            StudentTraining = new TrainingOptions { Epochs = 2, BatchSize = 32 },
        };
        using var folder = RunFolder.Create(Path.Combine(tiny.RunsDirectory, "run"), replace: false);

        var result = new StudyPipeline().Run(StudyPlan.Study(options), folder);

        var students = result.Models.Where(m => m.Title?.StartsWith("Student (via candidate", StringComparison.Ordinal) == true).ToList();
        Assert.Equal(3, students.Count);
        Assert.All(students, s => Assert.StartsWith("Assistant candidate mlp:", s.DistilledFrom));
        var best = students.MaxBy(s => s.History.Max(r => r.ValidationAccuracy))!;
        var expected = best.DistilledFrom!["Assistant candidate ".Length..];
        var ranked = AssistantChoice.Rank(result);
        Assert.Equal(expected, ranked[0].Assistant);
        Assert.Contains($"Assistant chosen on the validation split: {expected}.", File.ReadAllText(Path.Combine(folder.Path, "summary.md")));
    }

    private static byte[] Weights(string modelFolder) => File.ReadAllBytes(Path.Combine(modelFolder, "best.bin"));
}
