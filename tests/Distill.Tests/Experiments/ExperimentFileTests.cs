using Distill.Experiments;
using Distill.Studies;
using Distill.Tests.Support;
using Distill.Training;

namespace Distill.Tests.Experiments;

public sealed class ExperimentFileTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private Experiment Load(string json, params string[] sets)
    {
        var path = _folder.File("experiment.json");
        File.WriteAllText(path, json);
        return ExperimentFile.Load(path, sets);
    }

    private string LoadError(string json, params string[] sets) =>
        Assert.Throws<DistillException>(() => Load(json, sets)).Message;

    [Fact]
    public void An_empty_file_is_the_default_study_with_one_seed()
    {
        var experiment = Load("{}");

        Assert.Equal(new StudyOptions(), experiment.Study);
        Assert.Equal([1], experiment.Settings.Seeds);
        Assert.False(experiment.IsSweep);
        Assert.Single(experiment.Points);
    }

    [Fact]
    public void A_file_states_only_what_differs_and_nested_defaults_survive()
    {
        // The teacher trains 3 epochs by default where a bare TrainingOptions has 5: a partial
        // teacherTraining block must keep the study's default, not the record's.
        var experiment = Load("""
            // comments and trailing commas are allowed
            { "teacherTraining": { "batchSize": 64 }, "distillation": { "temperature": 8 }, }
            """);

        Assert.Equal(64, experiment.Study.TeacherTraining.BatchSize);
        Assert.Equal(3, experiment.Study.TeacherTraining.Epochs);
        Assert.Equal(8, experiment.Study.Distillation.Temperature);
        Assert.Equal(new StudyOptions().Distillation.SoftTargetWeight, experiment.Study.Distillation.SoftTargetWeight);
    }

    [Fact]
    public void Set_overrides_the_file_at_any_depth_and_parses_json_values()
    {
        var experiment = Load("""{ "distillation": { "temperature": 8 }, "studentSpec": "mlp:32" }""",
            "distillation.temperature=2", "studentTraining.optimizer.kind=sgd", "studentSpec=mlp:16-8", "seeds=[3,4]", "distillation.Temperature=3");

        Assert.Equal(3, experiment.Study.Distillation.Temperature);
        Assert.Equal(OptimizerKind.Sgd, experiment.Study.StudentTraining.Optimizer.Kind);
        Assert.Equal("mlp:16-8", experiment.Study.StudentSpec);
        Assert.Equal([3, 4], experiment.Settings.Seeds);
    }

    [Fact]
    public void The_training_precision_is_read_from_the_file_and_from_set()
    {
        var experiment = Load("""{ "studentTraining": { "precision": "bfloat16" } }""", "teacherTraining.precision=bfloat16");

        Assert.Equal(Precision.Bfloat16, experiment.Study.StudentTraining.Precision);
        Assert.Equal(Precision.Bfloat16, experiment.Study.TeacherTraining.Precision);
        Assert.Equal(Precision.Float32, new StudyOptions().StudentTraining.Precision);
    }

    [Theory]
    [InlineData("""{ "distilation": { "temperature": 8 } }""", "'distilation'")]
    [InlineData("""{ "studentTraining": { "epoch": 3 } }""", "'studentTraining.epoch'")]
    [InlineData("""{ "sweep": { "parameters": {}, "grid": 1 } }""", "'sweep.grid'")]
    public void An_unknown_key_is_an_error_naming_its_path(string json, string key)
    {
        var message = LoadError(json);

        Assert.StartsWith("Unknown key " + key, message);
    }

    [Fact]
    public void An_unknown_key_given_by_set_is_named_too()
    {
        Assert.StartsWith("Unknown key 'distillation.temprature'", LoadError("{}", "distillation.temprature=4"));
    }

    [Theory]
    [InlineData("""{ "studentTraining": { "epochs": "five" } }""", "'studentTraining.epochs'", "a whole number")]
    [InlineData("""{ "distillation": { "temperature": true } }""", "'distillation.temperature'", "a number")]
    [InlineData("""{ "teacherTraining": { "optimizer": { "kind": "rmsprop" } } }""", "'teacherTraining.optimizer.kind'", "one of sgd, adam, adamw")]
    [InlineData("""{ "studentTraining": { "precision": "fp16" } }""", "'studentTraining.precision'", "one of float32, bfloat16")]
    [InlineData("""{ "studentSpec": null }""", "'studentSpec'", "bad value")]
    public void A_value_of_the_wrong_type_is_an_error_naming_the_key(string json, string key, string expected)
    {
        var message = LoadError(json);

        Assert.Contains(key, message);
        Assert.Contains(expected, message);
    }

    [Theory]
    [InlineData("""{ "distillation": { "temperature": 0 } }""", "key 'distillation'")]
    [InlineData("""{ "studentTraining": { "epochs": 0 } }""", "key 'studentTraining'")]
    [InlineData("""{ "studentSpec": "mlp:abc" }""", "key 'studentSpec'")]
    [InlineData("""{ "validationCount": 0 }""", "key 'validationCount'")]
    [InlineData("""{ "seeds": [] }""", "'seeds'")]
    public void A_value_out_of_range_is_an_error_naming_the_key(string json, string key)
    {
        Assert.Contains(key, LoadError(json));
    }

    [Fact]
    public void A_bad_sweep_value_names_the_point_and_the_key()
    {
        var message = LoadError("""{ "sweep": { "parameters": { "distillation.temperature": [2, -1] } } }""");

        Assert.Contains("temperature=-1", message);
        Assert.Contains("key 'distillation'", message);
    }

    [Fact]
    public void A_set_without_equals_sign_is_rejected()
    {
        Assert.Contains("key=value", LoadError("{}", "distillation.temperature"));
    }

    [Fact]
    public void Invalid_json_names_the_file_and_line()
    {
        var message = LoadError("{\n \"seeds\": [1,\n");

        Assert.Contains("not valid JSON", message);
        Assert.Contains("experiment.json", message);
    }

    [Fact]
    public void The_resolved_configuration_reads_back_to_the_same_experiment()
    {
        var first = Load("""
            { "name": "t", "seeds": [1, 2], "distillation": { "temperature": 6 },
              "sweep": { "parameters": { "distillation.softTargetWeight": [0.5, 0.9] }, "complementaryHardWeight": true } }
            """,
            "studentTraining.epochs=2");
        var path = _folder.File("config.json");
        File.WriteAllText(path, first.ResolvedJson);

        var second = ExperimentFile.Load(path);

        Assert.Equal(first.Study, second.Study);
        Assert.Equal(first.Settings.Seeds, second.Settings.Seeds);
        Assert.Equal(first.Points.Select(p => p.Study), second.Points.Select(p => p.Study));
        Assert.Equal(2, second.Study.StudentTraining.Epochs);
    }

    [Fact]
    public void Sweep_points_apply_their_settings_on_top_of_the_file()
    {
        var experiment = Load("""
            { "distillation": { "temperature": 6 },
              "sweep": { "parameters": { "distillation.softTargetWeight": [0.5, 0.9] }, "complementaryHardWeight": true } }
            """);

        Assert.Equal([0.5, 0.9], experiment.Points.Select(p => p.Study.Distillation.SoftTargetWeight));
        Assert.Equal([0.5, 0.1], experiment.Points.Select(p => p.Study.Distillation.HardLabelWeight));
        Assert.All(experiment.Points, p => Assert.Equal(6, p.Study.Distillation.Temperature));
    }

    [Fact]
    public void Every_example_file_is_a_valid_experiment()
    {
        var examples = Path.Combine(RepositoryRoot(), "examples");
        var files = Directory.GetFiles(examples, "*.json");

        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var experiment = ExperimentFile.Load(file, StandInWeights(file));
            Assert.False(string.IsNullOrWhiteSpace(experiment.Settings.Description), $"{file} has no description");
        }
    }

    [Fact]
    public void The_case_study_example_fine_tunes_a_torchvision_resnet_and_distils_with_kd_and_at()
    {
        var file = Path.Combine(RepositoryRoot(), "examples", "case-study-resnet18.json");

        var experiment = ExperimentFile.Load(file, StandInWeights(file));

        var teacher = experiment.Study.TeacherTraining;
        Assert.Equal("torchvision:resnet18", experiment.Study.TeacherSpec);
        Assert.Equal(Distill.Data.InputNormalization.Imagenet, experiment.Study.Normalize);
        Assert.Equal((64, 3), (experiment.Study.ImageSize, experiment.Study.Channels));
        Assert.True(teacher.NewHead);
        Assert.Equal("all-but-head", teacher.Freeze);
        Assert.True(teacher.HeadLearningRate > 0 && teacher.EarlyStoppingPatience > 0 && teacher.Augments);
        Assert.Equal(["kd", "at"], experiment.Points.Select(p => p.Study.Distillation.Method));
        Assert.Equal(["layer1", "layer2"], experiment.Points[1].Study.Distillation.Of<Distill.Methods.AttentionTransferOptions>().TeacherLayers);
    }

    /// <summary>
    /// --set overrides that put an existing file in place of each weights file an example names but the
    /// checkout lacks (bench/case-study.sh makes the case study's): loading checks only that it exists.
    /// </summary>
    private string[] StandInWeights(string file)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(file),
            documentOptions: new System.Text.Json.JsonDocumentOptions { CommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true })!;
        var standIn = _folder.File("stand-in.pth");
        File.WriteAllText(standIn, "");
        return new[] { "teacherTraining", "studentTraining" }
            .Where(part => node[part]?["weights"]?.GetValue<string>() is { } weights && !File.Exists(weights))
            .Select(part => $"{part}.weights={standIn}").ToArray();
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Distill.sln"))) directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException("Distill.sln not found above the test binaries.");
    }
}
