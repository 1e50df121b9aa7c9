using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distill.Native;

/// <summary>
/// Adam whose update runs in libtorch's fused CPU kernel (<c>at::cpu::_fused_adam_</c>, the kernel
/// behind PyTorch's <c>torch.optim.Adam(fused=True)</c>): one vectorised pass over parameter,
/// gradient and both moments instead of TorchSharp's eight tensor operations and two temporaries per
/// parameter (for the 1.28 M parameters of mlp:800-800, one thread: 0.85 ms against 2.5-3.3 ms, or
/// 5.9-6.6 ms with weight decay; bench/RESULTS.md). Same state, options,
/// learning-rate schedules and checkpoints as <see cref="Adam"/>; the result agrees with it to
/// the last bit or two of float32 (the kernel evaluates the same formula in another order). Falls back
/// to TorchSharp's step for what the kernel does not take: tensors off the CPU (a GPU run keeps
/// TorchSharp's step), AMSGrad, maximize, a gradient of another type than its parameter, or a libtorch
/// without the kernel. TorchSharp does not expose the fused optimizers, hence the P/Invoke. Used only
/// where the host opted in (<see cref="NativeOptions.FusedAdam"/>); otherwise Distill trains with
/// TorchSharp's Adam.
/// </summary>
internal sealed class FusedAdam(IEnumerable<Parameter> parameters, double lr, double beta1, double beta2, double weightDecay)
    : Adam(parameters, lr, beta1: beta1, beta2: beta2, weight_decay: weightDecay)
{
    public override Tensor step(Func<Tensor>? closure = null) =>
        closure is null && FusedAdamKernel.Step(_parameter_groups, decoupled: false,
            p => (((State)_state[p.Handle]).exp_avg, ((State)_state[p.Handle]).exp_avg_sq),
            p => ++((State)_state[p.Handle]).step,
            g => (Options)g.Options is var o && o.amsgrad != true && o.maximize != true
                ? new(o.LearningRate!.Value, o.beta1!.Value, o.beta2!.Value, o.weight_decay!.Value, o.eps!.Value)
                : null)
            ? null!
            : base.step(closure);
}
