using Distill.Export;
using Distill.Models;
using Distill.Pruning;
using Distill.Tests.Support;
using static TorchSharp.torch;

namespace Distill.Tests.Pruning;

public sealed class ChannelPruningTests
{
    public static TheoryData<string, long[]> Specs => new()
    {
        { "cnn:c8-bn-relu-mp2-c12k5s2-relu-drop0.1-fc16-relu", [1, 12, 12] },
        { "cnn:c6-relu-c10-bn-relu-gap-fc8-tanh", [3, 9, 9] },
        { "mlp:32-16,dropout=0.2", [1, 6, 6] },
    };

    [Theory]
    [MemberData(nameof(Specs))]
    public void Pruning_no_channels_keeps_the_model_and_its_outputs(string spec, long[] shape)
    {
        using var model = Trained(spec, shape);
        var (pruned, card) = ChannelPruning.Prune(model, Card(spec, shape), 0);
        using (pruned)
        {
            pruned.eval();
            Assert.Equal(ModelSpec.Parse(spec).Text, card.Spec);
            using var inputs = randn([5, .. shape], generator: new Generator(4));
            using var expected = Run(model, inputs);
            using var actual = Run(pruned, inputs);
            Assert.True((expected - actual).abs().max().item<float>() <= 1e-6);
        }
    }

    [Theory]
    [MemberData(nameof(Specs))]
    public void The_narrowed_spec_is_known_before_pruning_and_is_the_spec_pruning_makes(string spec, long[] shape)
    {
        using var model = Trained(spec, shape);
        foreach (var fraction in new[] { 0, 0.25, 0.5, 0.9 })
        {
            var (pruned, card) = ChannelPruning.Prune(model, Card(spec, shape), fraction);
            pruned.Dispose();
            Assert.Equal(card.Spec, ChannelPruning.Narrowed(spec, fraction));
        }
    }

    [Theory]
    [MemberData(nameof(Specs))]
    public void A_channel_pruned_model_is_narrower_with_fewer_parameters_and_the_same_output_shape(string spec, long[] shape)
    {
        using var model = Trained(spec, shape);
        var (pruned, card) = ChannelPruning.Prune(model, Card(spec, shape), 0.5);
        using (pruned)
        {
            pruned.eval();
            Assert.True(card.Parameters < ModelBuilder.CountParameters(model) * 0.6, $"{card.Parameters} of {ModelBuilder.CountParameters(model)}");
            Assert.Equal(ModelBuilder.CountParameters(pruned), card.Parameters);
            using var inputs = randn([3, .. shape]);
            using var output = Run(pruned, inputs);
            Assert.Equal([3L, 10], output.shape);
            // The narrower model is a model of its own spec: it saves and exports like any other.
            using var onnx = OnnxRun.Logits(OnnxExporter.Export(pruned, card), inputs);
            Assert.True((onnx - output).abs().max().item<float>() <= 1e-5);
        }
    }

    [Fact]
    public void The_filters_kept_are_those_of_largest_l1_norm_in_their_order()
    {
        const string spec = "cnn:c4-relu";
        using var model = Trained(spec, [1, 5, 5]);
        using (no_grad())
        {
            var weight = model.state_dict()["conv1.conv.weight"];
            weight.copy_(ones_like(weight) * tensor(new float[] { 0.1f, 3, -0.2f, 2 }).reshape(4, 1, 1, 1));
        }
        var (pruned, card) = ChannelPruning.Prune(model, Card(spec, [1, 5, 5]), 0.5);
        using (pruned)
        {
            Assert.Equal("cnn:c2-relu", card.Spec);
            var kept = pruned.state_dict()["conv1.conv.weight"][.., 0, 0, 0];
            Assert.Equal(new float[] { 3, 2 }, kept.data<float>().ToArray());
        }
    }

    [Fact]
    public void A_zoo_model_is_refused_in_one_sentence()
    {
        manual_seed(1);
        using var model = ModelBuilder.Build(ModelSpec.Parse("resnet:8"), [3, 8, 8], 10);
        var error = Assert.Throws<DistillException>(() => ChannelPruning.Prune(model, Card("resnet:8", [3, 8, 8]), 0.5));
        Assert.Equal("Channel pruning narrows mlp: and cnn: models; 'resnet:8' is a zoo architecture whose widths its spec fixes (use --sparsity for it).", error.Message);
    }

    private static nn.Module<Tensor, Tensor> Trained(string spec, long[] shape)
    {
        manual_seed(9);
        var model = ModelBuilder.Build(ModelSpec.Parse(spec), shape, 10);
        using (no_grad())
        {
            using var batch = randn([16, .. shape]);
            model.call(batch).Dispose();
        }
        model.eval();
        return model;
    }

    private static Tensor Run(nn.Module<Tensor, Tensor> model, Tensor inputs)
    {
        using var noGrad = no_grad();
        return model.call(inputs);
    }

    private static ModelCard Card(string spec, long[] shape) => new(ModelSpec.Parse(spec).Text, shape, 10, 0, "mnist", "distilled");
}
