using Distill.Evaluation;
using Distill.Models;
using Distill.Tests.Support;
using Distill.Training;
using static TorchSharp.torch;

namespace Distill.Tests.Training;

public sealed class ZooTrainingTests : IDisposable
{
    private readonly TinyData _tiny = new();

    public void Dispose() => _tiny.Dispose();

    private nn.Module<Tensor, Tensor> Build(string spec)
    {
        manual_seed(1);
        return ModelBuilder.Build(ModelSpec.Parse(spec), _tiny.Data.Train.SampleShape, 10);
    }

    private TrainingResult Fit(nn.Module<Tensor, Tensor> model, TrainingOptions options) =>
        new Trainer(options).Train("model", model, _tiny.Data.Train, _tiny.Data.Validation, new SupervisedObjective());

    [Fact]
    public void A_small_zoo_resnet_learns_the_synthetic_task()
    {
        using var model = Build("resnet:8");
        var before = Evaluator.Evaluate(model, _tiny.Data.Test).Accuracy;

        var result = Fit(model, new TrainingOptions { Epochs = 3, BatchSize = 32, Optimizer = new() { LearningRate = 0.01 } });
        var after = Evaluator.Evaluate(model, _tiny.Data.Test).Accuracy;

        Assert.True(after > 0.8, $"test accuracy after training was {after:P1}");
        Assert.True(after > before + 0.4, $"accuracy went from {before:P1} to {after:P1}");
        Assert.True(result.History[^1].TrainLoss < result.History[0].TrainLoss);
    }

    [Fact]
    public void Frozen_layers_keep_their_weights_and_batch_norm_statistics()
    {
        using var model = Build("resnet:8");
        var before = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());

        // conv1, bn1, relu and layer1 frozen; layer2, layer3 and the classifier train.
        Fit(model, new TrainingOptions { Epochs = 1, BatchSize = 32, FreezeLayers = 4 });
        var after = model.state_dict();

        foreach (var name in before.Keys.Where(k => k.StartsWith("conv1.", StringComparison.Ordinal) || k.StartsWith("bn1.", StringComparison.Ordinal) || k.StartsWith("layer1.", StringComparison.Ordinal)))
            Assert.True(before[name].allclose(after[name], 0, 0), $"{name} changed");
        Assert.False(before["layer2.0.conv1.weight"].allclose(after["layer2.0.conv1.weight"], 0, 0));
        Assert.False(before["layer2.0.bn1.running_mean"].allclose(after["layer2.0.bn1.running_mean"], 0, 0));
        Assert.False(before["classifier.weight"].allclose(after["classifier.weight"], 0, 0));
        Assert.All(model.named_parameters().Where(p => p.name.StartsWith("layer1.", StringComparison.Ordinal)), p => Assert.False(p.parameter.requires_grad));
    }

    [Fact]
    public void Freezing_every_layer_or_a_negative_count_is_refused()
    {
        using var model = Build("resnet:8");

        var all = Assert.Throws<DistillException>(() => Fit(model, new TrainingOptions { Epochs = 1, FreezeLayers = 8 }));
        var negative = Assert.Throws<DistillException>(() => new TrainingOptions { FreezeLayers = -1 }.Validate());

        Assert.Contains("all 8 top-level layers", all.Message);
        Assert.Contains("-1", negative.Message);
    }
}
