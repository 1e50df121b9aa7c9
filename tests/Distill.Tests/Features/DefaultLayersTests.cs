using Distill.Features;
using Distill.Methods;
using Distill.Models;
using static TorchSharp.torch;

namespace Distill.Tests.Features;

/// <summary>
/// Which layers each method reads when none are named, on the quickstart teacher and a smaller
/// student CNN (three resolutions each: 28, 14 and 7 pixels), and on an MLP student.
/// </summary>
public sealed class DefaultLayersTests
{
    private const string Teacher = "cnn:c32-relu-mp2-c64-relu-mp2-fc128-relu";
    private const string Student = "cnn:c8-relu-mp2-c16-relu-mp2-fc32-relu";

    private static IReadOnlyList<LayerShape> Layers(string spec)
    {
        manual_seed(1);
        using var model = ModelBuilder.Build(ModelSpec.Parse(spec), [1, 28, 28], 10);
        return FeatureProbe.Layers(model, [1, 28, 28]);
    }

    private static readonly Lazy<MethodContext> Cnn = new(() => new MethodContext(Layers(Student), Layers(Teacher), 10, 100, 1));

    private static DistillationMethod Create(string method, DistillationOptions? options = null, MethodContext? context = null) =>
        MethodRegistry.Find(method).Create(options ?? new DistillationOptions(), context ?? Cnn.Value);

    private static long[] Shape(IReadOnlyList<LayerShape> layers, string name) => layers.Single(l => l.Name == name).Shape;

    [Theory]
    [InlineData("at")]
    [InlineData("nst")]
    public void Stage_methods_read_one_layer_per_shared_resolution(string name)
    {
        using var method = Create(name);
        var context = Cnn.Value;

        var sizes = method.StudentLayers.Select(l => Shape(context.StudentLayers, l)[1]).ToArray();
        Assert.Equal([28L, 14, 7], sizes);
        Assert.Equal(sizes, method.TeacherLayers.Select(l => Shape(context.TeacherLayers, l)[1]));
        // Each is the last layer at its resolution: the ReLU before a pooling, the final pooling.
        Assert.Equal(["act1", "act2", "pool2"], method.StudentLayers);
        Assert.Equal(["act1", "act2", "pool2"], method.TeacherLayers);
    }

    [Fact]
    public void Fitnets_reads_the_middle_shared_stage()
    {
        using var method = Create("fitnets");

        Assert.Equal(["act2"], method.StudentLayers);
        Assert.Equal(["act2"], method.TeacherLayers);
        Assert.Equal(14, Shape(Cnn.Value.StudentLayers, "act2")[1]);
    }

    [Theory]
    [InlineData("rkd")]
    [InlineData("pkt")]
    [InlineData("crd")]
    public void Embedding_methods_read_the_classifier_input(string name)
    {
        using var method = Create(name);
        var context = Cnn.Value;

        var student = Assert.Single(method.StudentLayers);
        var teacher = Assert.Single(method.TeacherLayers);
        Assert.Equal([32L], Shape(context.StudentLayers, student));
        Assert.Equal([128L], Shape(context.TeacherLayers, teacher));
        // The classifier's input: the last layer before it.
        Assert.Equal(ModelBuilder.ClassifierName, context.StudentLayers[context.StudentLayers.ToList().FindIndex(l => l.Name == student) + 1].Name);
        Assert.Equal(ModelBuilder.ClassifierName, context.TeacherLayers[context.TeacherLayers.ToList().FindIndex(l => l.Name == teacher) + 1].Name);
    }

    [Fact]
    public void Sp_reads_the_last_feature_map()
    {
        using var method = Create("sp");

        Assert.Equal(["pool2"], method.StudentLayers);
        Assert.Equal(["pool2"], method.TeacherLayers);
        Assert.Equal([16L, 7, 7], Shape(Cnn.Value.StudentLayers, "pool2"));
    }

    [Theory]
    [InlineData("at")]
    [InlineData("nst")]
    public void A_stage_method_on_an_mlp_student_is_refused_in_one_sentence(string name)
    {
        var context = Cnn.Value with { StudentLayers = Layers("mlp:32") };

        var error = Assert.Throws<DistillException>(() => Create(name, context: context));

        Assert.Contains($"'{name}'", error.Message);
        Assert.Contains("student", error.Message);
        Assert.Single(error.Message.TrimEnd('.').Split(". "));
    }

    [Fact]
    public void Layers_named_through_options_are_used()
    {
        var options = new DistillationOptions()
            .With(new AttentionTransferOptions { StudentLayers = ["conv1"], TeacherLayers = ["conv1"] })
            .With(new FitNetsOptions { StudentLayer = "pool1", TeacherLayer = "pool1" })
            .With(new ContrastiveOptions { StudentLayer = "fc1", TeacherLayer = "fc1" });

        using var at = Create("at", options);
        using var fitnets = Create("fitnets", options);
        using var crd = Create("crd", options);

        Assert.Equal(["conv1"], at.StudentLayers);
        Assert.Equal(["conv1"], at.TeacherLayers);
        Assert.Equal(["pool1"], fitnets.StudentLayers);
        Assert.Equal(["pool1"], fitnets.TeacherLayers);
        Assert.Equal(["fc1"], crd.StudentLayers);
        Assert.Equal(["fc1"], crd.TeacherLayers);
    }

    [Theory]
    [InlineData("at", "at.studentLayers")]
    [InlineData("nst", "nst.studentLayers")]
    [InlineData("fitnets", "fitnets.studentLayer")]
    [InlineData("sp", "sp.studentLayer")]
    [InlineData("rkd", "rkd.studentLayer")]
    [InlineData("pkt", "pkt.studentLayer")]
    [InlineData("crd", "crd.studentLayer")]
    public void An_unknown_layer_named_through_options_is_refused_naming_the_option(string method, string option)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(Distill.Runs.Json.Serialize(new DistillationOptions()))!.AsObject();
        var (key, value) = Distill.Experiments.JsonOverrides.Parse(option.EndsWith('s') ? $"{option}=[\"conv9\"]" : $"{option}=conv9");
        Distill.Experiments.JsonOverrides.Apply(node, key, value);
        var teacherOption = option.Replace("student", "teacher");
        (key, value) = Distill.Experiments.JsonOverrides.Parse(option.EndsWith('s') ? $"{teacherOption}=[\"act1\"]" : $"{teacherOption}=act1");
        Distill.Experiments.JsonOverrides.Apply(node, key, value);
        var options = Distill.Experiments.ExperimentFile.ReadPart<DistillationOptions>(node, "test");

        var error = Assert.Throws<DistillException>(() => Create(method, options));

        Assert.Contains("'conv9'", error.Message);
        Assert.Contains($"'{option}'", error.Message);
        Assert.Contains("act1", error.Message);
    }
}
