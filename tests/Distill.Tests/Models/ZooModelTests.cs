using Distill.Features;
using Distill.Models;
using Distill.Models.Zoo;
using Distill.Tests.Support;
using static TorchSharp.torch;

namespace Distill.Tests.Models;

public sealed class ZooModelTests
{
    public static TheoryData<string> Specs()
    {
        var data = new TheoryData<string>();
        foreach (var architecture in ModelZoo.All)
            data.Add(architecture.Examples[0]);
        return data;
    }

    [Theory]
    [MemberData(nameof(Specs))]
    public void Zoo_models_take_cifar_and_mnist_shaped_inputs(string spec)
    {
        foreach (long[] shape in (long[][])[[3, 32, 32], [1, 28, 28]])
        {
            using var model = ModelBuilder.Build(ModelSpec.Parse(spec), shape, 10);
            using var output = model.call(rand([2, .. shape]));

            Assert.Equal([2L, 10], output.shape);
        }
    }

    [Theory]
    [InlineData("resnet:8", "layer1", "layer2", "layer3")]
    // Pre-activation: the last layer at a resolution is the next stage's first batch norm, the feature
    // RepDistiller reads as WRN's pre-activation stage output.
    [InlineData("wrn:16-2", "block2.0.bn1", "block3.0.bn1", "relu")]
    [InlineData("vgg:8", "block0", "block1", "block4")]
    [InlineData("plaincnn:4", "conv2", "conv4", "pool2")]
    public void Default_feature_taps_reach_the_stage_outputs_by_name(string spec, string first, string second, string last)
    {
        using var model = ModelBuilder.Build(ModelSpec.Parse(spec), [3, 32, 32], 10);
        var layers = FeatureProbe.Layers(model, [3, 32, 32]);

        var stages = DefaultLayers.SharedStages(layers, layers, "at").Select(p => p.Student).ToList();

        Assert.Equal(first, stages[0]);
        Assert.Equal(second, stages[1]);
        Assert.Equal(last, stages[^1]);
        Assert.Equal(spec.StartsWith("plaincnn", StringComparison.Ordinal) ? "flatten" : "pool", DefaultLayers.Embedding(layers));
    }

    [Fact]
    public void Zoo_models_have_named_top_level_stages_and_a_classifier()
    {
        using var resnet = ModelBuilder.Build(ModelSpec.Parse("resnet:20"), [3, 32, 32], 100);
        using var mobile = ModelBuilder.Build(ModelSpec.Parse("mobilenetv2:0.5"), [3, 32, 32], 100);

        Assert.Equal(["conv1", "bn1", "relu", "layer1", "layer2", "layer3", "pool", "classifier"], resnet.named_children().Select(c => c.name));
        Assert.Equal(["conv1", "block1", "block2", "block3", "block4", "block5", "block6", "block7", "conv2", "pool", "classifier"],
            mobile.named_children().Select(c => c.name));
        Assert.Contains("layer2.0.shortcut.conv.weight", resnet.state_dict().Keys);
    }

    [Theory]
    [InlineData("resnet:21", "depth 21")]
    [InlineData("resnet:20x3", "'20x3'")]
    [InlineData("resnet:5000", "depth 5000")]
    [InlineData("wrn:40", "'40'")]
    [InlineData("wrn:40-0", "width 0")]
    [InlineData("vgg:19", "'19'")]
    [InlineData("mobilenetv2:9", "'9'")]
    [InlineData("plaincnn:3", "'3'")]
    [InlineData("vgglike:wide", "'wide'")]
    [InlineData("transformer:12", "unknown kind 'transformer'")]
    public void Bad_zoo_specs_are_one_sentence_naming_the_bad_part(string spec, string named)
    {
        var error = Assert.Throws<DistillException>(() => ModelSpec.Parse(spec));

        Assert.Contains(named, error.Message);
        Assert.Contains(spec, error.Message);
        Assert.Single(error.Message.Split(". ", StringSplitOptions.RemoveEmptyEntries));
    }

    [Theory]
    [InlineData("vgglike", 1, 28, 28, "156 pixels")]
    [InlineData("plaincnn:10", 1, 12, 12, "poolings")]
    [InlineData("resnet:8", 20, 0, 0, "needs images")]
    public void Inputs_a_zoo_model_cannot_take_are_refused_with_the_shape(string spec, long c, long h, long w, string named)
    {
        long[] shape = h == 0 ? [c] : [c, h, w];
        var error = Assert.Throws<DistillException>(() => ModelBuilder.Build(ModelSpec.Parse(spec), shape, 10));

        Assert.Contains(named, error.Message);
        Assert.Contains(string.Join("x", shape), error.Message);
    }

    [Fact]
    public void A_saved_zoo_model_reloads_with_the_same_outputs()
    {
        using var folder = new TemporaryFolder();
        var path = folder.File("model.bin");
        using var model = ModelBuilder.Build(ModelSpec.Parse("mobilenetv2:0.25"), [1, 28, 28], 10);
        model.eval();
        using var input = rand(4, 1, 28, 28);
        using var expected = model.call(input);
        ModelStore.Save(model, new ModelCard("mobilenetv2:0.25", [1, 28, 28], 10, ModelBuilder.CountParameters(model), "mnist", "test"), path);

        var (loaded, _) = ModelStore.Load(path);
        using (loaded)
        {
            loaded.eval();
            using var actual = loaded.call(input);
            Assert.True(expected.allclose(actual, 0, 0));
        }
    }

    [Fact]
    public void Absurd_zoo_models_are_refused_before_anything_is_allocated()
    {
        var error = Assert.Throws<DistillException>(() => ModelBuilder.Build(ModelSpec.Parse("wrn:1000-64"), [3, 32, 32], 10));

        Assert.Contains("parameters", error.Message);
    }

    [Fact]
    public void Sizing_a_zoo_model_leaves_its_seeded_initialisation_unchanged()
    {
        var spec = ModelSpec.Parse("resnet:8");
        manual_seed(5);
        using var plain = ModelBuilder.Build(spec, [1, 12, 12], 10);
        manual_seed(5);
        MemoryBudget.Check(spec, [1, 12, 12], 10, 64);
        using var sized = ModelBuilder.Build(spec, [1, 12, 12], 10);

        foreach (var (name, tensor) in plain.state_dict())
            Assert.True(tensor.allclose(sized.state_dict()[name], 0, 0), name);
    }

    [Fact]
    public void The_memory_estimate_of_a_zoo_model_counts_its_measured_activations()
    {
        var spec = ModelSpec.Parse("resnet:20");
        using var model = ModelBuilder.Build(spec, [3, 32, 32], 10);
        var cost = ModelCostMeter.Measure(model, [3, 32, 32]);

        var bytes = MemoryBudget.Estimate(spec, [3, 32, 32], 10, 128);

        Assert.Equal((cost.Parameters * 4 + 128.0 * cost.Activations * 2) * 4, bytes);
        Assert.InRange(bytes, 1e8, 4e9);
        // resnet20 for CIFAR-10: about 41 million multiply-adds (He et al. report 41M for resnet20).
        Assert.InRange(cost.MultiplyAdds, 40_000_000, 42_000_000);
    }
}
