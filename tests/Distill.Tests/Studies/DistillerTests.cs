using System.Text.Json.Nodes;
using Distill.Data;
using Distill.Methods;
using Distill.Models;
using Distill.Runs;
using Distill.Studies;
using Distill.Tests.Support;
using Distill.Training;
using Examples;
using static TorchSharp.torch;

namespace Distill.Tests.Studies;

/// <summary>
/// The library's front door with modules of the user's own (examples/shared's Teacher and Student,
/// which name their layers features.* and body.*): a whole study with kd and FitNets on named
/// layers of both, into the run folder and report the command line writes; a wrong layer path
/// refused before anything trains; a teacher instance used as it is; the loss in a loop of one's own.
/// </summary>
public sealed class DistillerTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();
    private readonly DataSelection _data;

    public DistillerTests()
    {
        var path = _folder.File("data");
        SyntheticIdx.WriteDataset(path, trainCount: 700, testCount: 100, side: 28);
        _data = new DataSelection { Path = path };
    }

    public void Dispose() => _folder.Dispose();

    private static FitOptions Fit(string output, int epochs = 3) => new()
    {
        Out = output,
        ValidationCount = 100,
        Teacher = new TrainingOptions { Epochs = epochs, BatchSize = 50 },
        Student = new TrainingOptions { Epochs = epochs, BatchSize = 50 },
    };

    private static Distiller KdAndFitNets(ModelSource teacher, string studentLayer = "body.act2") =>
        new Distiller(teacher, ModelSource.Module(() => new Student()))
            .With(new KdOptions { Temperature = 4 }, new FitNetsOptions { TeacherLayer = "features.relu2", StudentLayer = studentLayer });

    [Fact]
    public void A_student_module_learns_from_a_teacher_module_with_kd_and_fitnets_into_a_run_folder_with_a_report()
    {
        var run = _folder.File("run");

        var result = KdAndFitNets(ModelSource.Module(() => new Teacher())).Fit(_data, Fit(run));

        foreach (var file in new[] { "config.json", "metrics.jsonl", "results.json", "report.html", "summary.md", "distilled/best.bin", "scratch/best.bin", "teacher/best.bin" })
            Assert.True(File.Exists(Path.Combine(run, file)), $"the run folder lacks {file}");
        var distilled = result.Find(ModelRole.Distilled)!;
        Assert.Equal("module:Examples.Student", distilled.Spec);
        Assert.Equal("module:Examples.Teacher", result.Find(ModelRole.Teacher)!.Spec);
        Assert.True(distilled.TestAccuracy > 0.6, $"the distilled student reached only {distilled.TestAccuracy:P1} (chance: 10 %)");
        Assert.Contains("body.act2 <- features.relu2", distilled.Hyperparameters);
        var hints = distilled.History.Select(r => r.LossTerms["hint"]).ToList();
        Assert.True(hints[^1] < hints[0], $"the FitNets hint did not fall: {string.Join(", ", hints)}");
        var card = ModelStore.ReadCard(Path.Combine(run, "distilled", "best.bin"));
        Assert.Equal(typeof(Student).AssemblyQualifiedName, card.ModuleType);
        Assert.Contains("body.act2", card.Layers!);
        Assert.Equal(distilled.TestErrors, (long)RunRecords.ModelNodes(run)
            .Single(m => m!["role"]!.GetValue<string>() == "distilled")!["testErrors"]!.GetValue<long>());
    }

    [Fact]
    public void A_wrong_layer_path_is_refused_naming_the_layers_before_a_folder_is_made()
    {
        var run = _folder.File("wrong");

        var error = Assert.Throws<DistillException>(() => KdAndFitNets(ModelSource.Module(() => new Teacher()), "body.act9").Fit(_data, Fit(run)));

        Assert.Contains("'body.act9'", error.Message);
        Assert.Contains("body.conv1, body.act1", error.Message);
        Assert.Single(error.Message.Split(". ", StringSplitOptions.None));
        Assert.False(Directory.Exists(run), "a refused run left its folder behind");
    }

    [Fact]
    public void A_teacher_instance_is_used_as_it_is_saved_and_never_trained_and_the_user_keeps_it()
    {
        manual_seed(5);
        using var teacher = new Teacher();
        var before = teacher.state_dict().ToDictionary(p => p.Key, p => p.Value.clone());
        var run = _folder.File("given");

        var result = KdAndFitNets(teacher).Fit(_data, Fit(run, epochs: 1));

        foreach (var (name, value) in teacher.state_dict()) Assert.True(value.allclose(before[name], rtol: 0, atol: 0), $"the teacher's {name} changed");
        var outcome = result.Find(ModelRole.Teacher)!;
        Assert.Equal(0, outcome.EpochsRun);
        using var saved = ModelStore.Load(Path.Combine(run, "teacher", "best.bin")).Model;
        Assert.IsType<Teacher>(saved);
        Assert.True(saved.state_dict()["features.conv1.weight"].allclose(before["features.conv1.weight"], rtol: 0, atol: 0));
        // Still the user's: Distill neither disposed nor moved it.
        using var output = teacher.call(zeros(1, 1, 28, 28));
        Assert.Equal([1L, 10L], output.shape);
    }

    [Fact]
    public void The_loss_of_an_own_loop_gives_named_terms_and_trains_the_student()
    {
        using var data = StudyData.Load(_data, 100, 1);
        manual_seed(2);
        using var teacher = new Teacher();
        new Trainer(new TrainingOptions { Epochs = 2, BatchSize = 50 }).Train("teacher", teacher, data.Train, data.Validation, new SupervisedObjective());
        using var student = new Student();
        var options = new DistillationOptions { Method = "kd+fitnets" }.With(new FitNetsOptions { TeacherLayer = "features.relu2", StudentLayer = "body.act2" });
        using var loss = new DistillationLoss(student, teacher, options, data.Train.SampleShape, data.Info.ClassCount, data.Train.Count);
        var optimizer = optim.Adam(student.parameters().Concat(loss.Methods.parameters()), lr: 3e-3);

        var totals = new List<double>();
        for (var epoch = 0; epoch < 4; epoch++)
        foreach (var (rows, inputs) in data.Train.Batches(randperm(data.Train.Count, generator: new Generator(1UL + (ulong)epoch)).split(50)))
        {
            using var scope = NewDisposeScope();
            var (_, terms) = loss.Step(student, inputs, data.Train.Labels[rows], rows, epoch);
            Assert.Equal(["hard_ce", "soft_kl", "hint"], terms.Terms.Select(t => t.Name));
            optimizer.zero_grad();
            var total = terms.Total();
            total.backward();
            optimizer.step();
            totals.Add(total.item<float>());
        }

        Assert.True(totals.TakeLast(5).Average() < totals.Take(5).Average() / 2, $"the loss did not halve: {totals[0]:F3} -> {totals[^1]:F3}");
        Assert.True(Distill.Evaluation.Evaluator.Evaluate(student, data.Test).Accuracy > 0.6);
        Assert.Equal(["body.act2"], loss.StudentLayers);
        using var logits = student.call(data.Test.Features[..4]);
        using var teacherLogits = teacher.call(data.Test.Features[..4]);
        var missing = Assert.Throws<DistillException>(() => loss.Terms(logits, teacherLogits, data.Test.Labels[..4]));
        Assert.Contains("'body.act2'", missing.Message);
    }

    [Fact]
    public void Tuning_trains_each_trial_from_the_users_own_student_module_and_distils_with_the_choice()
    {
        var built = 0;
        var run = _folder.File("tuned");
        var distiller = new Distiller(ModelSource.Spec("mlp:64"), ModelSource.Module(() => { built++; return new Student(); }))
        {
            Tune = new TuneOptions { Temperatures = [2, 8], SoftWeights = [0.9], Reduction = 2 },
        };

        var result = distiller.Fit(_data, Fit(run, epochs: 2) with { Scratch = false });

        var tune = Json.Read<TuneResult>(Path.Combine(run, "distilled", TuneResult.FileName), "tuning result");
        Assert.Equal([(2.0, 2), (8.0, 2)], tune.Trials.Select(t => (t.Temperature, t.Epochs)));
        Assert.All(tune.Trials, t => Assert.True(t.ValidationAccuracy > 0.3, $"the trial at T={t.Temperature} reached only {t.ValidationAccuracy:P1} (chance: 10 %)"));
        // The type probe, two trials and the distilled student: a module of the user's for each.
        Assert.Equal(4, built);
        var distilled = result.Find(ModelRole.Distilled)!;
        Assert.Equal("module:Examples.Student", distilled.Spec);
        Assert.Contains($"T={tune.Chosen.Temperature:g}", distilled.Hyperparameters);
        Assert.Equal(typeof(Student).AssemblyQualifiedName, ModelStore.ReadCard(Path.Combine(run, "distilled", "best.bin")).ModuleType);
    }

    [Fact]
    public void Tuning_a_method_other_than_kd_is_refused_before_a_folder_is_made()
    {
        var run = _folder.File("refused");
        var distiller = new Distiller(ModelSource.Spec("mlp:64"), ModelSource.Module(() => new Student())) { Tune = new TuneOptions() }
            .With(new FitNetsOptions { TeacherLayer = "fc1", StudentLayer = "body.act2" });

        var error = Assert.Throws<DistillException>(() => distiller.Fit(_data, Fit(run)));

        Assert.Contains("needs the method kd", error.Message);
        Assert.False(Directory.Exists(run));
    }
}
