using System.Runtime.InteropServices;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distill.Native;

/// <summary>
/// The P/Invoke behind <see cref="FusedAdam"/> and <see cref="FusedAdamW"/>: libtorch's fused CPU
/// kernels by their C++ names in libtorch 2.10, with the argument layout written out by hand.
/// </summary>
internal static class FusedAdamKernel
{
    private const string Adam = "_ZN2at3cpu12_fused_adam_EN3c108ArrayRefINS_6TensorEEES4_S4_S4_S4_S4_dddddbbRKSt8optionalIS3_ES8_";
    private const string AdamW = "_ZN2at3cpu13_fused_adamw_EN3c108ArrayRefINS_6TensorEEES4_S4_S4_S4_S4_dddddbbRKSt8optionalIS3_ES8_";

    private static readonly Lazy<(IntPtr Adam, IntPtr AdamW)> Entry = new(() =>
    {
        NativeRuntime.EnsureReady();
        return NativeLibrary.TryLoad("libtorch_cpu", typeof(FusedAdamKernel).Assembly, null, out var library)
               && NativeLibrary.TryGetExport(library, Adam, out var adam) && NativeLibrary.TryGetExport(library, AdamW, out var adamW)
            ? (adam, adamW)
            : (IntPtr.Zero, IntPtr.Zero);
    });

    /// <summary>Whether this libtorch exports both kernels under the names of libtorch 2.10.</summary>
    public static bool Available => Entry.Value.Adam != IntPtr.Zero;

    /// <summary>
    /// One step of every group through the kernel, the step counts kept in TorchSharp's states (so
    /// checkpoints and resumes are unchanged). Returns false, having changed nothing, when the kernel
    /// is missing, a group's options are ones it does not take (<paramref name="hyperparameters"/>
    /// returns null) or a tensor is one it does not take; the caller then runs TorchSharp's step.
    /// </summary>
    /// <param name="moments">A parameter's first and second moment buffers.</param>
    /// <param name="advance">Adds one to a parameter's step count and returns the new count.</param>
    public static bool Step(IList<ParamGroup> groups, bool decoupled, Func<Parameter, (Tensor ExpAvg, Tensor ExpAvgSq)> moments,
        Func<Parameter, long> advance, Func<ParamGroup, Hyperparameters?> hyperparameters)
    {
        if (!Available) return false;
        using var scope = NewDisposeScope();
        var work = new List<(Hyperparameters Settings, List<(Parameter Parameter, Tensor Grad, Tensor ExpAvg, Tensor ExpAvgSq)> Items)>();
        foreach (var group in groups)
        {
            if (hyperparameters(group) is not { } settings) return false;
            var items = new List<(Parameter, Tensor, Tensor, Tensor)>();
            foreach (var parameter in group.Parameters)
            {
                if (parameter.grad is not { } grad) continue;
                var (expAvg, expAvgSq) = moments(parameter);
                if (parameter.device_type != TorchSharp.DeviceType.CPU || grad.dtype != parameter.dtype || grad.is_sparse
                    || !parameter.is_contiguous() || !grad.is_contiguous() || expAvg.dtype != parameter.dtype || expAvgSq.dtype != parameter.dtype)
                    return false;
                items.Add((parameter, grad, expAvg, expAvgSq));
            }
            if (items.Count > 0) work.Add((settings, items));
        }
        using var noGrad = no_grad();
        foreach (var (h, items) in work)
        {
            // The kernel reads each parameter's step from a float32 scalar tensor, as PyTorch keeps it.
            var steps = items.Select(i => tensor((float)advance(i.Parameter))).ToArray();
            Call(decoupled ? Entry.Value.AdamW : Entry.Value.Adam,
                items.Select(i => (Tensor)i.Parameter).ToArray(), items.Select(i => i.Grad).ToArray(),
                items.Select(i => i.ExpAvg).ToArray(), items.Select(i => i.ExpAvgSq).ToArray(), steps,
                h.LearningRate, h.Beta1, h.Beta2, h.WeightDecay, h.Eps);
        }
        return true;
    }

    private static unsafe void Call(IntPtr entry, Tensor[] parameters, Tensor[] grads, Tensor[] expAvgs, Tensor[] expAvgSqs, Tensor[] steps,
        double lr, double beta1, double beta2, double weightDecay, double eps)
    {
        // A TorchSharp handle points at an at::Tensor, itself one pointer (its TensorImpl); an
        // ArrayRef<at::Tensor> is a pointer to such values and a length. The kernel only reads the
        // list, so the copies below borrow the tensors without touching their reference counts.
        static IntPtr[] Values(Tensor[] tensors) => tensors.Select(t => Marshal.ReadIntPtr(t.Handle)).ToArray();
        var (p, g, m, v, s) = (Values(parameters), Values(grads), Values(expAvgs), Values(expAvgSqs), Values(steps));
        var none = stackalloc byte[16];  // an empty std::optional<at::Tensor> (grad_scale, found_inf)
        fixed (IntPtr* pp = p, pg = g, pm = m, pv = v, ps = s)
        {
            var kernel = (delegate* unmanaged<TensorList, TensorList, TensorList, TensorList, TensorList, TensorList,
                double, double, double, double, double, byte, byte, byte*, byte*, void>)entry;
            kernel(new(pp, p.Length), new(pg, g.Length), new(pm, m.Length), new(pv, v.Length), new(null, 0), new(ps, s.Length),
                lr, beta1, beta2, weightDecay, eps, 0, 0, none, none);
        }
        GC.KeepAlive(parameters);
        GC.KeepAlive(grads);
        GC.KeepAlive(expAvgs);
        GC.KeepAlive(expAvgSqs);
        GC.KeepAlive(steps);
    }

    public readonly record struct Hyperparameters(double LearningRate, double Beta1, double Beta2, double WeightDecay, double Eps);

    [StructLayout(LayoutKind.Sequential)]
    private readonly unsafe struct TensorList(IntPtr* data, long length)
    {
        private readonly IntPtr* _data = data;
        private readonly long _length = length;
    }
}
