using System.Text.Json;
using System.Text.Json.Nodes;
using Distill.Experiments;
using Distill.Losses;
using Distill.Methods;
using Distill.Runs;
using Distill.Studies;
using Distill.Tests.Support;
using Distill.Training;
using static TorchSharp.torch;

namespace Distill.Tests.Extending;

/// <summary>
/// The worked example of docs/extending.md: a method defined in this project, not the library, is
/// golden-tested against Golden/logit_mse.py, registered, and run through the library's study and
/// through an experiment file on the command line. Tolerance of the golden values: 1e-12 relative.
/// </summary>
public sealed class LogitMseTests : IDisposable
{
    private const double Tolerance = 1e-12;

    private static readonly Lazy<IReadOnlyList<GoldenCase>> Cases = new(Load);

    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    public static TheoryData<string> CaseNames() => [.. Cases.Value.Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void The_loss_and_its_gradient_match_PyTorch(string name)
    {
        using var scope = NewDisposeScope();
        var golden = Cases.Value.Single(c => c.Name == name);
        var student = golden.Student.ToTensor().requires_grad_(true);

        var loss = LogitMseLoss.Compute(student, golden.Teacher.ToTensor(), golden.Centered);
        loss.backward();

        golden.Gradient.AssertLossAndGradient(name, loss, student.grad!, golden.Value, Tolerance);
    }

    [Fact]
    public void The_method_adds_its_weighted_term_and_logs_it_unweighted()
    {
        using var scope = NewDisposeScope();
        var golden = Cases.Value.Single(c => c.Centered && c.Student.Shape[1] == 10);
        var options = new DistillationOptions { Method = "logit-mse" }.With(new LogitMseOptions { LogitWeight = 2, Centered = true });
        using var method = MethodRegistry.Find("logit-mse").Create(options, new MethodContext([], [], 10, 8, 1));
        var labels = zeros(8, dtype: ScalarType.Int64);
        var step = new DistillationStep(golden.Student.ToTensor(), golden.Teacher.ToTensor(), labels,
            new Dictionary<string, Tensor>(), new Dictionary<string, Tensor>(), arange(8), 1);

        using var terms = method.call(step);

        Assert.IsType<LogitMse>(method);
        Assert.Equal(2 * golden.Value, terms.Terms.Single(t => t.Name == "logit_mse").Value.item<double>(), 9);
        Assert.Equal(golden.Value, terms.Unweighted.Single(t => t.Name == "logit_mse").Value.item<double>(), 9);
    }

    [Fact]
    public void A_registered_method_reads_and_writes_its_options_under_its_name()
    {
        MethodRegistry.Register<LogitMse>();

        var options = new DistillationOptions { Method = "kd+logit-mse" }.With(new LogitMseOptions { LogitWeight = 2 });
        var written = JsonNode.Parse(Json.Serialize(options))!.AsObject();
        var read = ExperimentFile.ReadPart<DistillationOptions>(written, "test");

        Assert.Same(LogitMse.Descriptor, MethodRegistry.All.Single(m => m.Name == "logit-mse"));
        Assert.Equal(2, written["logit-mse"]!["logitWeight"]!.GetValue<double>());
        Assert.Equal(2, read.Of<LogitMseOptions>().LogitWeight);
        Assert.Equal(["kd", "logit-mse"], read.Methods().Select(m => m.Name));
        Assert.Equal("kd+logit-mse, T=4, hard=0.1, soft=0.9, T warm-up 20 ep, logit MSE=2", read.ToString());
        // Without a block of its own the method takes its defaults and is not written, so a run
        // that does not use it stays readable by a program that never registered it.
        var defaults = JsonNode.Parse(Json.Serialize(new DistillationOptions()))!.AsObject();
        Assert.False(defaults.ContainsKey("logit-mse"));
        Assert.True(defaults.ContainsKey("at"));
        Assert.Equal(1, new DistillationOptions().Of<LogitMseOptions>().LogitWeight);
    }

    [Fact]
    public void A_taken_name_and_a_late_registration_are_refused_in_one_sentence()
    {
        Json.Serialize(new DistillationOptions());

        var taken = Assert.Throws<DistillException>(MethodRegistry.Register<Impostor>);
        var late = Assert.Throws<DistillException>(MethodRegistry.Register<Latecomer>);

        Assert.Equal($"The method name 'logit-mse' is taken by {typeof(LogitMse).FullName}; give {typeof(Impostor).FullName} another name.", taken.Message);
        Assert.Equal("The method 'latecomer' is registered after Distill first read or wrote distillation options; register methods at the start of the program.", late.Message);
        Assert.DoesNotContain(MethodRegistry.All, m => m.Name == "latecomer");
    }

    [Fact]
    public void A_study_distils_with_the_users_method_through_the_library()
    {
        using var tiny = new TinyData();
        var training = new TrainingOptions { Epochs = 2, BatchSize = 32, Optimizer = new OptimizerOptions { LearningRate = 0.01 } };
        var options = new StudyOptions
        {
            Data = tiny.DataDirectory,
            ValidationCount = 100,
            TeacherSpec = "mlp:32",
            StudentSpec = "mlp:16",
            TeacherTraining = training,
            StudentTraining = training,
            Distillation = new DistillationOptions { Method = "logit-mse" }.With(new LogitMseOptions { Centered = true }),
        };
        var run = Path.Combine(tiny.RunsDirectory, "logit-mse");

        ExperimentResult result;
        using (var folder = RunFolder.Create(run, replace: false))
            result = new StudyPipeline().Run(StudyPlan.Study(options), folder);

        var distilled = result.Runs[0].Distilled;
        Assert.All(distilled.History, e => Assert.True(e.LossTerms["logit_mse"] > 0, $"epoch {e.Epoch} logged no logit_mse"));
        Assert.True(distilled.History[^1].LossTerms["logit_mse"] < distilled.History[0].LossTerms["logit_mse"], "the logit MSE did not fall");
        Assert.True(distilled.TestAccuracy > 0.6, $"the student reached only {distilled.TestAccuracy:P1}");
        Assert.Contains("logit MSE=1, centred", distilled.Hyperparameters);
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "config.json")));
        Assert.True(config.RootElement.GetProperty("distillation").GetProperty("logit-mse").GetProperty("centered").GetBoolean());
    }

    [Fact]
    public void The_command_line_lists_the_method_and_runs_it_from_an_experiment_file()
    {
        var data = _folder.File("data");
        SyntheticIdx.WriteDataset(data, trainCount: 600, testCount: 200);
        var path = _folder.File("mine.json");
        File.WriteAllText(path, $$"""
            {
              "name": "mine",
              "dataDirectory": {{JsonSerializer.Serialize(data)}},
              "validationCount": 100,
              "teacherSpec": "mlp:32",
              "studentSpec": "mlp:16",
              "teacherTraining": { "epochs": 2, "batchSize": 32, "optimizer": { "learningRate": 0.01 } },
              "studentTraining": { "epochs": 2, "batchSize": 32, "optimizer": { "learningRate": 0.01 } },
              "distillation": { "method": "logit-mse", "logit-mse": { "logitWeight": 2 } }
            }
            """);
        var run = _folder.File("run");

        var (code, _, errors) = InProcessCli.Run("run", path, "--out", run);

        Assert.True(code == 0, errors);
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "config.json")));
        Assert.Equal(2, config.RootElement.GetProperty("distillation").GetProperty("logit-mse").GetProperty("logitWeight").GetDouble());
        var metrics = File.ReadAllLines(Path.Combine(run, "seed-1", "metrics.jsonl"));
        Assert.Contains(metrics, l => l.Contains("\"logit_mse\"", StringComparison.Ordinal));

        (code, var listed, errors) = InProcessCli.Run("methods", "--json");
        Assert.True(code == 0, errors);
        var row = JsonNode.Parse(listed)!.AsArray().Single(r => r!["name"]!.GetValue<string>() == "logit-mse")!;
        Assert.Equal("Ba & Caruana 2014, Do Deep Nets Really Need to be Deep?", row["paper"]!.GetValue<string>());
        Assert.Equal("""{"logitWeight":1,"centered":false}""", row["options"]!.ToJsonString());

        (code, var table, errors) = InProcessCli.Run("methods");
        Assert.True(code == 0, errors);
        Assert.Contains("logit-mse", table);
        Assert.Contains("logitWeight=1", table);
    }

    [Fact]
    public void A_misspelt_option_of_the_users_method_names_the_key_and_lists_its_keys()
    {
        var data = _folder.File("data");
        SyntheticIdx.WriteDataset(data, trainCount: 600, testCount: 200);

        var (code, _, errors) = InProcessCli.Run("compare", "--data-dir", data, "--out", _folder.File("run"),
            "--method", "logit-mse", "--method-option", "logit-mse.logitWeigth=2");

        Assert.NotEqual(0, code);
        Assert.Contains("Unknown key 'logit-mse.logitWeigth' in --method-option; the keys there are logitWeight, centered.", errors);
        Assert.False(Directory.Exists(Path.Combine(_folder.File("run"), "teacher")), "the run started before the error");
    }

    private static IReadOnlyList<GoldenCase> Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Golden", "logit_mse.json");
        var file = JsonSerializer.Deserialize<GoldenFile>(File.ReadAllText(path), new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower })
            ?? throw new InvalidDataException($"{path} holds no golden cases.");
        return file.Cases;
    }

    private sealed record GoldenFile(IReadOnlyList<GoldenCase> Cases);

    /// <summary>One case of logit_mse.json: both models' logits, the loss and its gradient for the student's.</summary>
    private sealed record GoldenCase(string Name, bool Centered, GoldenTensor Student, GoldenTensor Teacher, double Value, GoldenTensor Gradient);

    /// <summary>Another class under the name <see cref="LogitMse"/> has taken.</summary>
    private sealed class Impostor() : DistillationMethod(nameof(Impostor)), IDescribedMethod
    {
        public static MethodDescriptor Descriptor { get; } = MethodDescriptor.For<ImpostorOptions>(
            "logit-mse", "Takes a name that is taken.", "None 2026", 1, (_, _) => new Impostor());

        public override LossTerms forward(DistillationStep step) => new();
    }

    private sealed record ImpostorOptions : IValidatable
    {
        public void Validate()
        {
        }
    }

    /// <summary>A method registered after the options' JSON shape was fixed.</summary>
    private sealed class Latecomer() : DistillationMethod(nameof(Latecomer)), IDescribedMethod
    {
        public static MethodDescriptor Descriptor { get; } = MethodDescriptor.For<LatecomerOptions>(
            "latecomer", "Comes too late.", "None 2026", 1, (_, _) => new Latecomer());

        public override LossTerms forward(DistillationStep step) => new();
    }

    private sealed record LatecomerOptions : IValidatable
    {
        public void Validate()
        {
        }
    }
}
