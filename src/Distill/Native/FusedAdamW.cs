using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distill.Native;

/// <summary>AdamW through libtorch's fused CPU kernel (<c>at::cpu::_fused_adamw_</c>); see <see cref="FusedAdam"/>.</summary>
internal sealed class FusedAdamW(IEnumerable<Parameter> parameters, double lr, double beta1, double beta2, double weightDecay)
    : AdamW(parameters, lr, beta1: beta1, beta2: beta2, weight_decay: weightDecay)
{
    // FusedAdam's step again, for TorchSharp's AdamW.State and AdamW.Options, which share no type with Adam's.
    public override Tensor step(Func<Tensor>? closure = null) =>
        closure is null && FusedAdamKernel.Step(_parameter_groups, decoupled: true,
            p => (((State)_state[p.Handle]).exp_avg, ((State)_state[p.Handle]).exp_avg_sq),
            p => ++((State)_state[p.Handle]).step,
            g => (Options)g.Options is var o && o.amsgrad != true && o.maximize != true
                ? new(o.LearningRate!.Value, o.beta1!.Value, o.beta2!.Value, o.weight_decay!.Value, o.eps!.Value)
                : null)
            ? null!
            : base.step(closure);
}
