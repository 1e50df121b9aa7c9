using System.Text.Json;
using System.Text.Json.Nodes;
using Distill.Experiments;
using Distill.Methods;
using Distill.Tests.Support;

namespace Distill.Tests.Cli;

public sealed class MethodCliTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();
    private readonly string _data;

    public MethodCliTests()
    {
        _data = Path.Combine(_folder.Path, "data");
        SyntheticIdx.WriteDataset(_data, trainCount: 600, testCount: 200);
    }

    public void Dispose() => _folder.Dispose();

    private static (int Code, string Output, string Errors) Run(params string[] args) => InProcessCli.Run(args);

    private string[] Compare(params string[] extra) =>
    [
        "compare", "--data-dir", _data, "--validation", "100", "--out", _folder.File("run"),
        "--teacher-spec", "mlp:16", "--student-spec", "mlp:8", "--teacher-epochs", "1", "--student-epochs", "1", .. extra,
    ];

    /// <summary>The error line the CLI printed: one sentence, naming what it must.</summary>
    private static string OneSentence(string errors)
    {
        var message = errors.Trim();
        Assert.DoesNotContain('\n', message);
        Assert.EndsWith(".", message);
        return message;
    }

    [Fact]
    public void Methods_lists_every_method_with_its_paper_and_options()
    {
        var (code, output, errors) = Run("methods", "--json");

        Assert.True(code == 0, errors);
        var rows = JsonNode.Parse(output)!.AsArray();
        Assert.True(rows.Count >= 10, $"only {rows.Count} methods are listed");
        string[] Names(string kind) => rows.Where(r => r!["kind"]!.GetValue<string>() == kind).Select(r => r!["name"]!.GetValue<string>()).ToArray();
        Assert.Equal(MethodRegistry.All.Select(m => m.Name), Names("distillation"));
        Assert.Equal(["dafl", "zskd", "deepinversion"], Names("data-free"));
        Assert.Equal(rows.Count, Names("distillation").Length + Names("data-free").Length);
        Assert.All(rows, r => Assert.Matches(@"\b(19|20)\d\d\b", r!["paper"]!.GetValue<string>()));
        JsonNode Row(string name) => rows.Single(r => r!["name"]!.GetValue<string>() == name)!;
        Assert.Equal(1000, Row("at")["options"]!["attentionWeight"]!.GetValue<double>());
        Assert.Equal(16384, Row("crd")["options"]!["negatives"]!.GetValue<int>());
        // Each data-free row carries the defaults its method resolves to, under the keys of an experiment file's "dataFree" block.
        Assert.Equal("""{"stepsPerEpoch":120,"latentSize":100,"generatorLearningRate":0.2,"oneHotWeight":1,"activationWeight":0.1,"entropyWeight":5,"batchNormWeight":0,"temperature":1}""",
            Row("dafl")["options"]!.ToJsonString());
        Assert.Equal(20, Row("zskd")["options"]!["temperature"]!.GetValue<double>());
        Assert.Equal([1.0, 0.1], Row("zskd")["options"]!["betas"]!.AsArray().Select(b => b!.GetValue<double>()));
        Assert.Equal(1, Row("deepinversion")["options"]!["batchNormWeight"]!.GetValue<double>());
        Assert.Null(Row("deepinversion")["defaultHardLabelWeight"]);
        Assert.All(Names("data-free"), name => Assert.DoesNotContain(Row(name)["options"]!.AsObject(), kv => kv.Value is null));
        Assert.Contains("Nayak", Row("zskd")["paper"]!.GetValue<string>());

        (code, output, errors) = Run("methods");
        Assert.True(code == 0, errors);
        foreach (var method in MethodRegistry.All)
        {
            Assert.Contains(method.Name, output);
            Assert.Contains(method.Paper.Split(' ')[0], output);
        }
        Assert.Contains("hintWeight", output);
        Assert.Contains("Zagoruyko", output);
        foreach (var method in Distill.DataFree.DataFreeMethod.All) Assert.Contains(method.Name, output);
        Assert.Contains("Nayak", output);
    }

    [Theory]
    [InlineData("nosuch", "There is no distillation method 'nosuch'; the methods are kd, fitnets")]
    [InlineData("kd+kd", "The method 'kd+kd' names a method twice.")]
    [InlineData("kd+", "The method 'kd+' has an empty part")]
    public void A_bad_method_is_a_one_sentence_error(string method, string expected)
    {
        var (code, _, errors) = Run(Compare("--method", method));

        Assert.NotEqual(0, code);
        Assert.Contains(expected, OneSentence(errors));
        Assert.False(File.Exists(Path.Combine(_folder.File("run"), "teacher", "best.bin")), "the run started before the error");
    }

    [Fact]
    public void A_misspelt_method_option_names_the_key_and_lists_the_valid_ones()
    {
        var (code, _, errors) = Run(Compare("--method", "at", "--method-option", "at.attentionWeigth=1"));

        Assert.NotEqual(0, code);
        var message = OneSentence(errors);
        Assert.Contains("'at.attentionWeigth'", message);
        foreach (var key in new[] { "attentionWeight", "power", "studentLayers", "teacherLayers" })
            Assert.Contains(key, message);
    }

    [Fact]
    public void A_misspelt_key_in_an_experiment_file_lists_the_keys_at_its_level()
    {
        var file = JsonNode.Parse("""{ "distillation": { "method": "crd", "crd": { "negativs": 10 } } }""")!.AsObject();

        var error = Assert.Throws<DistillException>(() => ExperimentFile.Resolve(file, [], "'test.json'", "distill run test.json"));

        Assert.StartsWith("Unknown key 'distillation.crd.negativs' in 'test.json'; the keys there are contrastWeight, featureDimension, negatives,", error.Message);
    }

    [Fact]
    public void An_experiment_file_names_methods_and_their_options()
    {
        var file = JsonNode.Parse("""{ "distillation": { "method": "kd+at", "at": { "attentionWeight": 500 } } }""")!.AsObject();

        var experiment = ExperimentFile.Resolve(file, [], "'test.json'", "distill run test.json");

        var distillation = experiment.Study.Distillation;
        Assert.Equal(["kd", "at"], distillation.Methods().Select(m => m.Name));
        Assert.Equal(500, distillation.Of<AttentionTransferOptions>().AttentionWeight);
        Assert.Equal(new AttentionTransferOptions().Power, distillation.Of<AttentionTransferOptions>().Power);
    }

    [Fact]
    public void A_method_option_on_the_command_line_reaches_the_run()
    {
        var (code, _, errors) = Run(Compare("--method", "kd+crd", "--method-option", "crd.negatives=32", "--method-option", "crd.featureDimension=8"));

        Assert.True(code == 0, errors);
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(_folder.File("run"), "config.json")));
        var distillation = config.RootElement.GetProperty("distillation");
        Assert.Equal("kd+crd", distillation.GetProperty("method").GetString());
        Assert.Equal(32, distillation.GetProperty("crd").GetProperty("negatives").GetInt32());
        Assert.Equal(8, distillation.GetProperty("crd").GetProperty("featureDimension").GetInt32());
    }

    /// <summary>
    /// Every method of the library distils a tiny CNN student from a tiny CNN teacher through the command line, in
    /// one experiment (one teacher, one sweep point per method), and each student learns. CRD runs
    /// at a contrast weight of 0.05: at RepDistiller's 0.8 its gradient swamps the labels' in this
    /// 16-unit student under Adam at 0.01, and the student stays at chance (measured: 10% test accuracy).
    /// The logit MSE runs at 0.1 for the same reason: on raw logits its gradient swamps the labels' and
    /// the student copies a one-epoch teacher's errors (measured at weight 1: 40%).
    /// </summary>
    [Fact]
    public void Every_method_trains_a_tiny_cnn_student_from_the_command_line_that_learns()
    {
        // The library's methods; the test project's own one has its end-to-end tests in LogitMseTests.
        var methods = MethodRegistry.All.Where(m => m != Extending.LogitMse.Descriptor).Select(m => m.Name).ToList();
        var path = _folder.File("methods.json");
        File.WriteAllText(path, $$"""
            {
              "name": "methods",
              "dataDirectory": {{JsonSerializer.Serialize(_data)}},
              "validationCount": 100,
              "teacherSpec": "cnn:c8-relu-mp2-c16-relu-mp2-fc32-relu",
              "studentSpec": "cnn:c4-relu-mp2-c8-relu-mp2-fc16-relu",
              "teacherTraining": { "epochs": 1, "batchSize": 16, "optimizer": { "learningRate": 0.01 } },
              "studentTraining": { "epochs": 2, "batchSize": 16, "optimizer": { "learningRate": 0.01 } },
              "distillation": { "crd": { "negatives": 128, "featureDimension": 16, "contrastWeight": 0.05 }, "mse": { "logitWeight": 0.1 } },
              "sweep": { "parameters": { "distillation.method": {{JsonSerializer.Serialize(methods)}} } }
            }
            """);
        var run = _folder.File("methods");

        var (code, _, errors) = Run("run", path, "--out", run);

        Assert.True(code == 0, errors);
        using var sweep = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "sweep.json")));
        var accuracies = sweep.RootElement.GetProperty("points").EnumerateArray().ToDictionary(
            p => JsonSerializer.Deserialize<string>(p.GetProperty("settings").GetProperty("distillation.method").GetString()!)!,
            p => p.GetProperty("testAccuracy").GetProperty("mean").GetDouble());
        Assert.Equal(methods, accuracies.Keys);
        // Ten classes: chance is 10%.
        Assert.All(accuracies, a => Assert.True(a.Value > 0.6, $"{a.Key} reached only {a.Value:P1} test accuracy"));
    }
}
