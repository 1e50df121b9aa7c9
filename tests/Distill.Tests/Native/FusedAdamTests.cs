using Distill.Models;
using Distill.Native;
using Distill.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distill.Tests.Native;

/// <summary>
/// Adam and AdamW through libtorch's fused CPU kernel give the updates of TorchSharp's own Adam and
/// AdamW (to float32 rounding), keep the step counts checkpoints save, and follow a changed learning rate.
/// </summary>
public sealed class FusedAdamTests
{
    [Fact]
    public void This_libtorch_has_the_fused_kernels_so_training_does_not_fall_back_to_the_slow_step() =>
        Assert.True(FusedAdamKernel.Available, "libtorch no longer exports at::cpu::_fused_adam_/_fused_adamw_ under the expected names: update FusedAdam.cs");

    [Theory]
    [InlineData(false, 0.0)]
    [InlineData(false, 1e-2)]
    [InlineData(true, 1e-2)]
    public void Five_steps_match_TorchSharps_optimizer(bool decoupled, double weightDecay)
    {
        var (reference, referenceModel) = Setup(m => decoupled
            ? optim.AdamW(m.parameters(), 3e-3, beta1: 0.9, beta2: 0.999, weight_decay: weightDecay)
            : optim.Adam(m.parameters(), 3e-3, beta1: 0.9, beta2: 0.999, weight_decay: weightDecay));
        var (fused, fusedModel) = Setup(m => decoupled
            ? new FusedAdamW(m.parameters(), 3e-3, 0.9, 0.999, weightDecay)
            : new FusedAdam(m.parameters(), 3e-3, 0.9, 0.999, weightDecay));
        var initial = fusedModel.parameters().Select(p => p.detach().clone()).ToList();

        for (var step = 0; step < 5; step++)
        {
            Step(referenceModel, reference, step);
            Step(fusedModel, fused, step);
        }

        var moved = 0.0;
        foreach (var (((name, a), (_, b)), start) in referenceModel.named_parameters().Zip(fusedModel.named_parameters()).Zip(initial))
        {
            var scale = a.abs().max().item<float>();
            Assert.True((a - b).abs().max().item<float>() <= 4e-7 * scale, $"{name} differs by more than float32 rounding");
            moved = Math.Max(moved, (b - start).abs().max().item<float>());
        }
        Assert.True(moved > 1e-3, "the optimizers did not move the weights");
        foreach (var state in OptimizerCheckpoint.States(fused))
            Assert.Equal(5, state switch { Adam.State s => s.step, AdamW.State s => s.step, _ => -1 });
    }

    [Fact]
    public void A_learning_rate_set_by_a_schedule_is_the_one_the_kernel_uses()
    {
        var (optimizer, model) = Setup(m => new FusedAdam(m.parameters(), 1e-2, 0.9, 0.999, 0));
        Step(model, optimizer, 0);
        foreach (var group in optimizer.ParamGroups) group.LearningRate = 0;
        var before = model.parameters().Select(p => p.detach().clone()).ToList();

        Step(model, optimizer, 1);

        foreach (var (after, was) in model.parameters().Zip(before)) Assert.Equal(0f, (after - was).abs().max().item<float>());
    }

    private static (optim.Optimizer Optimizer, nn.Module<Tensor, Tensor> Model) Setup(Func<nn.Module<Tensor, Tensor>, optim.Optimizer> create)
    {
        manual_seed(7);
        var model = ModelBuilder.Build(ModelSpec.Parse("mlp:24-16"), [1, 6, 6], 4);
        return (create(model), model);
    }

    private static void Step(nn.Module<Tensor, Tensor> model, optim.Optimizer optimizer, int step)
    {
        using var scope = NewDisposeScope();
        manual_seed(100 + step);
        var inputs = randn(32, 1, 6, 6);
        var labels = randint(0, 4, [32], dtype: ScalarType.Int64);
        optimizer.zero_grad();
        nn.functional.cross_entropy(model.call(inputs), labels).backward();
        optimizer.step();
    }
}
