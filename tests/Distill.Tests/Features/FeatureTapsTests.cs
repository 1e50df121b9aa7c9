using Distill.Features;
using Distill.Models;
using Distill.Tests.Support;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distill.Tests.Features;

public sealed class FeatureTapsTests : IDisposable
{
    private readonly nn.Module<Tensor, Tensor> _model;
    private readonly Tensor _input;

    public FeatureTapsTests()
    {
        manual_seed(3);
        _model = ModelBuilder.Build(ModelSpec.Parse("cnn:c4-relu-mp2-c8-relu-mp2-fc16-relu"), [1, 12, 12], 10);
        _model.eval();
        _input = randn(5, 1, 12, 12);
    }

    public void Dispose()
    {
        _input.Dispose();
        _model.Dispose();
    }

    /// <summary>The output of <paramref name="layer"/> found by running the model's top-level layers one by one.</summary>
    private Tensor UpTo(string layer)
    {
        var x = _input.clone();
        foreach (var (name, module) in _model.named_children())
        {
            x = ((nn.Module<Tensor, Tensor>)module).call(x);
            if (name == layer) return x;
        }
        throw new InvalidOperationException($"no layer {layer}");
    }

    private string[] LayerNames => [.. _model.named_children().Select(c => c.name)];

    [Fact]
    public void A_tapped_layer_gives_what_running_the_layers_up_to_it_gives()
    {
        var layers = LayerNames.Where(n => n != ModelBuilder.ClassifierName).ToArray();
        using var taps = new FeatureTaps(_model, layers, "student");

        using (taps.Arm())
            _model.call(_input);

        Assert.Equal(layers.Length, taps.Outputs.Count);
        foreach (var layer in layers)
            Assert.True(TensorAssert.Identical(UpTo(layer), taps.Outputs[layer]), $"the tap on {layer} differs from running the layers up to it");
    }

    [Fact]
    public void An_unknown_layer_is_one_sentence_listing_the_layers_that_exist()
    {
        var error = Assert.Throws<DistillException>(() => new FeatureTaps(_model, ["conv9"], "student"));

        Assert.StartsWith("The student has no layer 'conv9'; its layers are ", error.Message);
        foreach (var name in LayerNames) Assert.Contains(name, error.Message);
        Assert.Single(error.Message.Split(". "));
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Taps_record_nothing_when_not_armed()
    {
        var layers = LayerNames.Take(3).ToArray();
        using var taps = new FeatureTaps(_model, layers, "student");
        using (taps.Arm())
            _model.call(_input);

        // Evaluation and later passes run disarmed: nothing recorded, and the armed pass is forgotten on the next Arm.
        using (no_grad())
            _model.call(_input);
        Assert.Equal(layers.Length, taps.Recorded.Count);
        using (taps.Arm()) { }
        Assert.Empty(taps.Recorded);
        using (no_grad())
            _model.call(_input);
        Assert.Empty(taps.Recorded);
        Assert.Throws<DistillException>(() => taps.Outputs);
    }

    [Fact]
    public void Taps_keep_live_outputs_under_no_grad_on_a_sequential()
    {
        // TorchSharp's Sequential disposes each intermediate under no_grad once the next layer ran.
        var layers = LayerNames.Where(n => n != ModelBuilder.ClassifierName).ToArray();
        using var taps = new FeatureTaps(_model, layers, "teacher");

        using (no_grad())
        using (taps.Arm())
            _model.call(_input);

        foreach (var layer in layers)
        {
            var output = taps.Outputs[layer];
            Assert.False(output.IsInvalid, $"the tap on {layer} holds a disposed tensor");
            Assert.True(TensorAssert.Identical(UpTo(layer), output), $"the tap on {layer} differs under no_grad");
        }
    }

    [Fact]
    public void A_torchvision_resnet_s_layers_stay_readable_after_its_forward_closes_its_own_dispose_scope()
    {
        using var resnet = ModelBuilder.Build(ModelSpec.Parse("torchvision:resnet18"), [3, 32, 32], 10);

        var layers = FeatureProbe.Layers(resnet, [3, 32, 32]);

        Assert.Equal([64L, 8, 8], layers.Single(l => l.Name == "layer1").Shape);
        Assert.Equal([128L, 4, 4], layers.Single(l => l.Name == "layer2").Shape);
        using var taps = new FeatureTaps(resnet, ["layer1", "layer2"], "teacher");
        using var scope = NewDisposeScope();
        using (taps.Arm())
            resnet.call(randn(2, 3, 32, 32));
        Assert.Equal([2L, 128, 4, 4], taps.Outputs["layer2"].shape);
        Assert.True(taps.Outputs["layer1"].abs().sum().item<float>() > 0);
    }
}
