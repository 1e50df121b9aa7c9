using Distill.Losses;
using Distill.Models;
using Distill.Tests.Support;
using Distill.Training;
using static TorchSharp.torch;

namespace Distill.Tests.Training;

public sealed class NumericFaultTests : IDisposable
{
    private readonly TinyData _tiny = new();
    private readonly TemporaryFolder _folder = new();

    public void Dispose()
    {
        _tiny.Dispose();
        _folder.Dispose();
    }

    /// <summary>
    /// Cross-entropy for the first <paramref name="goodSteps"/> steps, then a loss whose value is
    /// finite but whose gradient is NaN (the derivative of sqrt at 0 times 0), so only a check of
    /// the weights themselves can notice.
    /// </summary>
    private sealed class PoisonedGradient(int goodSteps) : ITrainingObjective
    {
        private int _steps;

        public (Tensor Logits, LossTerms Terms) Step(nn.Module<Tensor, Tensor> model, Tensor inputs, Tensor labels, Tensor rows, int epoch)
        {
            var logits = model.call(inputs);
            return (logits, Compute(logits, labels));
        }

        private LossTerms Compute(Tensor logits, Tensor labels)
        {
            var ce = DistillationLosses.HardLabelCrossEntropy(logits, labels);
            if (++_steps <= goodSteps) return new LossTerms().Add("ce", ce);
            return new LossTerms().Add("ce", ce + (logits * 0).sqrt().sum() * 0);
        }
    }

    [Fact]
    public void Weights_that_become_NaN_with_a_finite_loss_stop_the_run_and_keep_the_last_good_checkpoint()
    {
        manual_seed(1);
        using var model = ModelBuilder.Build(ModelSpec.Parse("mlp:16"), _tiny.Data.Train.SampleShape, 10);
        var card = new ModelCard("mlp:16", [1, 12, 12], 10, 0, "mnist", "test");
        // One step per epoch: epoch 1 is healthy, epoch 2's only step poisons the weights.
        var options = new TrainingOptions { Epochs = 3, BatchSize = 1000, Optimizer = new() { Kind = OptimizerKind.Sgd, LearningRate = 0.1 } };
        byte[]? afterEpoch1 = null;
        var progress = new InlineProgress(p =>
        {
            if (p.Completed is { Epoch: 1 }) afterEpoch1 = File.ReadAllBytes(Path.Combine(_folder.Path, "last.bin"));
        });

        var error = Assert.Throws<NumericFaultException>(() => new Trainer(options, progress).Train(
            "model", model, _tiny.Data.Train, _tiny.Data.Validation, new PoisonedGradient(goodSteps: 1), card, _folder.Path));

        Assert.Contains("epoch 2, step 1", error.Message);
        Assert.Contains("NaN or infinite", error.Message);
        Assert.Equal(afterEpoch1, File.ReadAllBytes(Path.Combine(_folder.Path, "last.bin")));
        var (reloaded, _) = ModelStore.Load(Path.Combine(_folder.Path, "last.bin"));
        using (reloaded)
            Assert.All(reloaded.parameters(), p => Assert.True(p.isfinite().all().item<bool>()));
    }

    [Fact]
    public void Gradient_clipping_keeps_a_huge_learning_rate_step_bounded()
    {
        manual_seed(1);
        using var clipped = ModelBuilder.Build(ModelSpec.Parse("mlp:16"), _tiny.Data.Train.SampleShape, 10);
        var before = clipped.parameters().Select(p => p.detach().clone()).ToList();
        var options = new TrainingOptions
        {
            Epochs = 1, BatchSize = 1000, GradientClipNorm = 1e-3,
            Optimizer = new() { Kind = OptimizerKind.Sgd, LearningRate = 1.0, Momentum = 0 },
        };

        new Trainer(options).Train("model", clipped, _tiny.Data.Train, _tiny.Data.Validation, new SupervisedObjective());

        // One SGD step of rate 1 on a gradient clipped to norm 1e-3 moves the weights by at most 1e-3 in total.
        var moved = Math.Sqrt(clipped.parameters().Zip(before).Sum(pair => (pair.First - pair.Second).pow(2).sum().item<float>()));
        Assert.InRange(moved, 1e-5, 1.0001e-3);
    }

    private sealed class InlineProgress(Action<TrainingProgress> handler) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => handler(value);
    }
}
