using Distill.Models;
using Distill.Tests.Models.Weights;
using Distill.Training;
using TorchSharp.Modules;

namespace Distill.Tests.Training;

public sealed class FreezePathTests
{
    [Fact]
    public void All_but_head_leaves_only_the_classifier_trainable()
    {
        using var model = WeightsFiles.Model();

        var frozen = LayerFreezer.Freeze(model, LayerFreezer.AllButHead, ModelSpec.Parse(WeightsFiles.Spec).HeadPath);

        Assert.Equal(["classifier.bias", "classifier.weight"], model.named_parameters().Where(p => p.parameter.requires_grad).Select(p => p.name).Order());
        Assert.Contains(frozen, m => m is BatchNorm2d);
    }

    [Fact]
    public void A_path_freezes_that_module_and_everything_under_it()
    {
        using var model = WeightsFiles.Model("cnn:c4-bn-relu-c8-gap");

        LayerFreezer.Freeze(model, "conv1, bn1", "classifier");

        Assert.Equal(["bn1.bias", "bn1.weight", "conv1.conv.bias", "conv1.conv.weight"],
            model.named_parameters().Where(p => !p.parameter.requires_grad).Select(p => p.name).Order());
    }

    [Fact]
    public void A_path_that_matches_nothing_is_refused_with_the_top_level_modules()
    {
        using var model = WeightsFiles.Model();

        var error = Assert.Throws<DistillException>(() => LayerFreezer.Freeze(model, "layer9", "classifier"));

        Assert.Equal("--freeze path 'layer9' matches no module of the model; its top-level modules are conv1, bn1, act1, gap, classifier.", error.Message);
    }

    [Fact]
    public void Freezing_every_parameter_is_refused()
    {
        using var model = WeightsFiles.Model();

        var error = Assert.Throws<DistillException>(() => LayerFreezer.Freeze(model, "conv1,bn1,classifier", "classifier"));

        Assert.Contains("freezes every parameter of the model, leaving nothing to train", error.Message);
    }

    [Theory]
    [InlineData(OptimizerKind.Sgd)]
    [InlineData(OptimizerKind.Adam)]
    [InlineData(OptimizerKind.AdamW)]
    public void The_head_learns_at_its_own_rate(OptimizerKind kind)
    {
        using var model = WeightsFiles.Model();
        var head = model.named_parameters().Where(p => p.name.StartsWith("classifier.", StringComparison.Ordinal)).Select(p => p.parameter).ToList();

        using var optimizer = new Distill.Training.OptimizerOptions { Kind = kind, LearningRate = 0.001 }.Create([.. model.parameters()], head, 0.1);

        var groups = optimizer.ParamGroups.ToList();
        Assert.Equal([0.001, 0.1], groups.Select(g => g.LearningRate));
        Assert.Equal(head.Count, ((ParamGroup)groups[1]).Parameters.Count());
        Assert.Equal(model.parameters().Count() - head.Count, ((ParamGroup)groups[0]).Parameters.Count());
    }
}
