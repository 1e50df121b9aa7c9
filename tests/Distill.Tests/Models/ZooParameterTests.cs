using Distill.Models;

namespace Distill.Tests.Models;

/// <summary>
/// Parameter counts of the zoo against the reference definitions (RepDistiller's models/ for CIFAR-100,
/// the TAKD repository's plane_cifar10_book for CIFAR-10), worked out layer by layer from those
/// definitions: e.g. resnet20 = stem 16*27 + 2*16 + 3 stages of blocks + 64*100 + 100 = 278,324.
/// </summary>
public sealed class ZooParameterTests
{
    private static readonly long[] Cifar = [3, 32, 32];

    [Theory]
    [InlineData("resnet:8", 100, 83_892)]
    [InlineData("resnet:14", 100, 181_108)]
    [InlineData("resnet:20", 100, 278_324)]
    [InlineData("resnet:32", 100, 472_756)]
    [InlineData("resnet:56", 100, 861_620)]
    [InlineData("resnet:110", 100, 1_736_564)]
    [InlineData("resnet:8x4", 100, 1_233_540)]
    [InlineData("resnet:32x4", 100, 7_433_860)]
    [InlineData("wrn:16-2", 100, 703_284)]
    [InlineData("wrn:40-1", 100, 569_780)]
    [InlineData("wrn:40-2", 100, 2_255_156)]
    [InlineData("vgg:8", 100, 3_965_028)]
    [InlineData("vgg:11", 100, 9_277_284)]
    [InlineData("vgg:13", 100, 9_462_180)]
    [InlineData("vgg:16", 100, 14_774_436)]
    [InlineData("mobilenetv2:0.5", 100, 812_836)]
    [InlineData("mobilenetv2:1", 100, 2_353_060)]
    [InlineData("plaincnn:2", 10, 13_082)]
    [InlineData("plaincnn:4", 10, 37_338)]
    [InlineData("plaincnn:6", 10, 82_778)]
    [InlineData("plaincnn:8", 10, 327_962)]
    [InlineData("plaincnn:10", 10, 2_487_850)]
    public void Zoo_models_have_the_reference_parameter_counts(string spec, int classes, long expected)
    {
        using var model = ModelBuilder.Build(ModelSpec.Parse(spec), Cifar, classes);

        Assert.Equal(expected, ModelBuilder.CountParameters(model));
        Assert.Equal(expected, ModelSize.Estimate(ModelSpec.Parse(spec), Cifar, classes).Parameters);
    }

    [Theory]
    [InlineData("lenet5", 61_706)]
    [InlineData("lenet5-half", 15_738)]
    public void LeNet_5_and_its_half_have_the_DAFL_parameter_counts_on_MNIST(string spec, long expected)
    {
        using var model = ModelBuilder.Build(ModelSpec.Parse(spec), [1, 28, 28], 10);

        Assert.Equal(expected, ModelBuilder.CountParameters(model));
        Assert.Equal(["conv1", "pool1", "conv2", "pool2", "flatten", "fc1", "fc2", "classifier"], model.named_children().Select(c => c.name));
        using var logits = model.call(TorchSharp.torch.zeros(2, 1, 28, 28));
        Assert.Equal([2L, 10L], logits.shape);
    }

    [Fact]
    public void The_case_study_student_has_about_296k_parameters_on_224_pixel_x_rays()
    {
        using var model = ModelBuilder.Build(ModelSpec.Parse("vgglike"), [3, 224, 224], 2);

        Assert.Equal(295_690, ModelBuilder.CountParameters(model));
    }
}
