using Distill.Models;
using Distill.Pruning;
using Distill.Tests.Support;
using Distill.Training;
using static TorchSharp.torch;

namespace Distill.Tests.Pruning;

public sealed class MagnitudePruningTests
{
    private const string Spec = "cnn:c8-bn-relu-mp2-c12-relu-fc16-relu";

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.9)]
    [InlineData(0.333)]
    public void Global_pruning_zeroes_exactly_the_target_share_of_all_weights_and_the_smallest_ones(double sparsity)
    {
        using var model = Build();
        var before = Weights(model).Select(w => w.detach().abs().flatten()).ToList();
        using var masks = MagnitudePruning.Prune(model, sparsity, PruningScope.Global);
        var weights = Weights(model);
        var total = weights.Sum(w => w.numel());
        var zeros = weights.Sum(w => w.numel() - w.count_nonzero().item<long>());
        Assert.Equal((long)Math.Round(sparsity * total, MidpointRounding.AwayFromZero), zeros);
        Assert.Equal((double)zeros / total, masks.Sparsity, 12);
        // Every pruned weight was no larger than every kept one.
        using var all = cat(before);
        using var kept = cat(weights.Select(w => w.detach().flatten()).ToList()).ne(0);
        Assert.True(all[kept.logical_not()].max().item<float>() <= all[kept].min().item<float>());
    }

    [Fact]
    public void Per_layer_pruning_zeroes_exactly_the_target_share_of_each_layer_and_leaves_biases()
    {
        using var model = Build();
        using var masks = MagnitudePruning.Prune(model, 0.7, PruningScope.PerLayer);
        foreach (var (name, weight) in MagnitudePruning.PrunableWeights(model))
            Assert.Equal((long)Math.Round(0.7 * weight.numel(), MidpointRounding.AwayFromZero), weight.numel() - weight.count_nonzero().item<long>());
        Assert.Equal(4, masks.Layers.Count);
        Assert.All(model.named_parameters().Where(p => p.name.EndsWith("bias") && !p.name.StartsWith("bn")), p => Assert.Equal(p.parameter.numel(), p.parameter.count_nonzero().item<long>()));
    }

    [Fact]
    public void Pruned_weights_stay_zero_through_fine_tuning_while_the_others_learn()
    {
        using var train = SyntheticPatterns.Make("train", 256, [1, 8, 8], 4, 0.5, 1);
        using var validation = SyntheticPatterns.Make("validation", 64, [1, 8, 8], 4, 0.5, 2);
        using var model = Build();
        using var masks = MagnitudePruning.Prune(model, 0.8, PruningScope.Global);
        var zerosBefore = Weights(model).Select(w => w.eq(0)).ToList();
        var keptBefore = Weights(model).Select(w => w.detach().clone()).ToList();
        using var objective = new MaskedObjective(new SupervisedObjective(), masks);
        var options = new TrainingOptions { Epochs = 2, BatchSize = 32, Optimizer = new OptimizerOptions { Kind = OptimizerKind.Adam, LearningRate = 0.01, WeightDecay = 0.01 } };
        var result = new Trainer(options).Train("pruned", model, train, validation, objective);
        var weights = Weights(model);
        for (var i = 0; i < weights.Count; i++)
        {
            Assert.True(weights[i][zerosBefore[i]].eq(0).all().item<bool>(), $"layer {i}: a pruned weight moved");
            Assert.False(weights[i].eq(keptBefore[i]).all().item<bool>(), $"layer {i}: nothing learned");
        }
        Assert.True(result.BestValidationAccuracy > 0.5, $"validation accuracy {result.BestValidationAccuracy}");
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    public void A_sparsity_outside_0_to_1_is_refused_by_name(double sparsity)
    {
        using var model = Build();
        var error = Assert.Throws<DistillException>(() => MagnitudePruning.Prune(model, sparsity, PruningScope.Global));
        Assert.StartsWith("The sparsity must be at least 0 and below 1", error.Message);
    }

    private static nn.Module<Tensor, Tensor> Build()
    {
        manual_seed(3);
        return ModelBuilder.Build(ModelSpec.Parse(Spec), [1, 8, 8], 4);
    }

    private static List<Tensor> Weights(nn.Module model) => [.. MagnitudePruning.PrunableWeights(model).Select(w => (Tensor)w.Weight)];
}
