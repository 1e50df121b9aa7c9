using Distill.Models;
using static TorchSharp.torch;

namespace Distill.Tests.Models;

public sealed class ModelSpecTests
{
    private static readonly long[] MnistShape = [1, 28, 28];

    [Theory]
    [InlineData("mlp:64-16", 51_450)] // 784*64+64 + 64*16+16 + 16*10+10
    [InlineData("mlp:800-800", 1_276_810)]
    [InlineData("mlp:1200-1200,dropout=0.5,input-dropout=0.2", 2_395_210)]
    [InlineData("cnn:c256s2-lrelu0.2-mp2s1-c512s2", 1_433_610)] // the Keras example's teacher
    [InlineData("cnn:c16s2-lrelu0.2-mp2s1-c32s2", 20_490)] // and its student
    public void Parameter_counts_are_exact(string spec, long expected)
    {
        using var model = ModelBuilder.Build(ModelSpec.Parse(spec), MnistShape, 10);

        Assert.Equal(expected, ModelBuilder.CountParameters(model));
    }

    [Fact]
    public void Keras_same_padding_keeps_the_spatial_size_expected()
    {
        using var model = ModelBuilder.Build(ModelSpec.Parse("cnn:c8s2-mp2s1-c4s2-gap"), MnistShape, 10);
        using var output = model.call(zeros(2, 1, 28, 28));

        Assert.Equal([2L, 10], output.shape);
        Assert.Equal((0L, 1L), SamePadding.For(28, 3, 2));
        Assert.Equal((0L, 1L), SamePadding.For(14, 2, 1));
    }

    [Fact]
    public void Layers_are_reachable_by_stable_names()
    {
        using var model = ModelBuilder.Build(ModelSpec.Parse("mlp:32-16,dropout=0.1"), MnistShape, 10);
        var names = model.named_children().Select(c => c.name).ToList();

        Assert.Equal(["flatten", "fc1", "act1", "drop1", "fc2", "act2", "drop2", ModelBuilder.ClassifierName], names);
    }

    [Theory]
    [InlineData("resnet:18", "depth 18")]
    [InlineData("mlp:64-x", "positive layer width")]
    [InlineData("mlp:64,dropout=1.5", "dropout rate")]
    [InlineData("mlp:64,depth=3", "unknown option")]
    [InlineData("cnn:c16-wat", "unknown layer 'wat'")]
    [InlineData("64-16", "must start with")]
    public void Bad_specs_are_rejected_with_the_reason(string spec, string reason)
    {
        var error = Assert.Throws<DistillException>(() => ModelSpec.Parse(spec));

        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void A_convolution_on_flat_inputs_is_rejected()
    {
        var error = Assert.Throws<DistillException>(() => ModelBuilder.Build(ModelSpec.Parse("cnn:c8"), [20], 3));

        Assert.Contains("inputs are not images", error.Message);
    }
}
