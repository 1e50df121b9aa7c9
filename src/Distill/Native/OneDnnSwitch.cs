using static TorchSharp.torch;

namespace Distill.Native;

/// <summary>
/// Where this process found oneDNN's convolutions wrong (<see cref="ConvolutionCheck"/>), turns
/// oneDNN back on for the models it computes right, since without it bfloat16 products are ~10x
/// slower (2 epochs of mlp:1200-1200 on 20,000 rows: 81 s against 7 s) and a c32-c64 CNN's float32
/// step 2.4x (50 steps: 3.4 s against 1.4 s). Part of the correctness check, so not opt-in: it only
/// ever undoes the check's own switch, for models where that is safe.
/// </summary>
internal static class OneDnnSwitch
{
    // libtorch starts with oneDNN on; only Set changes it.
    private static bool _on = true;

    /// <summary>True when this process found oneDNN's convolutions wrong on this CPU and turned oneDNN off; libtorch's own convolution kernels run instead.</summary>
    public static bool Disabled { get; private set; }

    /// <summary>
    /// Set by a program that runs one model at a time (the distill command line): float32 steps and
    /// evaluations switch oneDNN per model as bfloat16 steps do (<see cref="For"/>). Off in a
    /// library, where another thread may run a model oneDNN gets wrong while the switch is on.
    /// </summary>
    public static bool OneModelAtATime { get; set; }

    /// <summary>Turns oneDNN off for the process (the check found it wrong).</summary>
    public static void DisableForProcess()
    {
        Set(false);
        Disabled = true;
    }

    /// <summary>
    /// Until disposed, oneDNN is on for <paramref name="models"/> where this process turned it off
    /// and every convolution of theirs has a shape oneDNN computes right there (measured by
    /// <c>bench/profile.sh conv-check</c>: output channels a multiple of 16, input channels a
    /// multiple of 16 or fewer than 16, no groups), or runs in a low precision with its channels
    /// padded (<see cref="Models.SameConv2d"/> through <see cref="Models.ChannelPaddedConvolution"/>).
    /// The flag is process-wide, so a float32 run beside a switched one in another thread would get
    /// oneDNN's wrong kernels: float32 switches only where <see cref="OneModelAtATime"/> says that
    /// cannot happen (<see cref="For"/>). An imported model, whose layers cannot be seen, keeps it
    /// off. A scope for a model oneDNN gets wrong turns it off even inside a scope that turned it
    /// on; each scope restores the state it found.
    /// </summary>
    public static IDisposable? WhereCorrect(IEnumerable<nn.Module> models)
    {
        if (!Disabled) return null;
        var on = models.All(ComputesRight);
        if (on == _on) return null;
        Set(on);
        return new Restore(!on);
    }

    /// <summary><see cref="WhereCorrect"/> for a low-precision step, or for any step of a program that runs one model at a time; null otherwise.</summary>
    public static IDisposable? For(IEnumerable<nn.Module> models, bool lowPrecision) =>
        lowPrecision || OneModelAtATime ? WhereCorrect(models) : null;

    /// <summary>Turns oneDNN on or off for the whole process (torch.backends.mkldnn.enabled).</summary>
    /// <summary>
    /// <see cref="For"/> for a model run inside another model's step (a teacher on every batch): where
    /// the step turned oneDNN on, it is turned off for a model oneDNN gets wrong, whatever the program;
    /// where it is off, it is turned on only as a float32 step would be.
    /// </summary>
    public static IDisposable? Inside(IEnumerable<nn.Module> models) => For(models, lowPrecision: _on);

    internal static void Set(bool on)
    {
        LibtorchContext.SetOneDnn(on);
        _on = on;
    }

    /// <summary>True when every convolution of the model would be computed right by oneDNN where its odd-channel kernels are wrong.</summary>
    internal static bool ComputesRight(nn.Module model)
    {
        var modules = model.modules().Prepend(model).ToList();
        var padded = modules.OfType<Models.SameConv2d>().Where(c => c.ComputeType is not null).SelectMany(c => c.modules()).ToHashSet();
        return !modules.Any(m => m is Teachers.ImportedTeacher || (m is TorchSharp.Modules.Convolution conv && !padded.Contains(m) && !RightShape(conv)));
    }

    private static bool RightShape(TorchSharp.Modules.Convolution conv) =>
        conv.groups == 1 && !conv.transposed && conv.out_channels % Models.ChannelPaddedConvolution.ChannelBlock == 0
        && (conv.in_channels % Models.ChannelPaddedConvolution.ChannelBlock == 0 || conv.in_channels < Models.ChannelPaddedConvolution.ChannelBlock);

    private sealed class Restore(bool on) : IDisposable
    {
        public void Dispose() => Set(on);
    }
}
