using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace Distill;

/// <summary>Process-wide native settings TorchSharp 0.107 does not expose.</summary>
internal static class NativeEnvironment
{
    private static readonly Lazy<bool> Prepared = new(() => PrepareMkl() & DisableNnpack() & KeepFreedMemory() & FixMklThreads() & CheckConvolutions());

    /// <summary>
    /// Makes MKL's matrix products reproducible from run to run, which a bit-exact resume needs:
    /// libtorch links MKL with its dynamic thread choice on (MKL_VERBOSE shows "Dyn:1" on every
    /// SGEMM; PyTorch turns it off only on threads it initialises itself) and with conditional
    /// numerical reproducibility off, so a product's split among threads and its code path (which
    /// depends on memory alignment) may differ between two runs of the same seed. MKL reads both
    /// settings from the environment at its first call, so they are set here, when the Distill
    /// assembly loads and before TorchSharp loads libtorch; a value the user set is kept.
    /// MKL_CBWR=AUTO,STRICT keeps the fastest code path for the CPU and only fixes its reductions.
    /// .NET's Environment.SetEnvironmentVariable does not reach the C library's environment on
    /// Linux, so libc's setenv is called directly.
    /// </summary>
    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255", Justification = "Must run before libtorch's MKL reads its environment.")]
    internal static void ReproducibleMathLibrary()
    {
        if (!OperatingSystem.IsLinux()) return;
        try
        {
            SetEnvironment("MKL_CBWR", "AUTO,STRICT", 0);
            SetEnvironment("MKL_DYNAMIC", "FALSE", 0);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Another C library: MKL keeps its defaults.
        }
    }

    /// <summary>MKL's kernel choice on CPUs not made by Intel, first: it must come before libtorch's first product (<see cref="MklCpuDispatch"/>).</summary>
    private static bool PrepareMkl()
    {
        MklCpuDispatch.Prepare();
        return MklCpuDispatch.ByFeatures;
    }

    /// <summary>The same dynamic-threads setting for a process that used libtorch before loading Distill (MKL read its environment then).</summary>
    private static bool FixMklThreads()
    {
        if (Environment.GetEnvironmentVariable("MKL_DYNAMIC") is { } own && !own.Equals("FALSE", StringComparison.OrdinalIgnoreCase)) return true;
        try
        {
            MklSetDynamic(0);
            return true;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // A libtorch built without MKL.
            return false;
        }
    }

    /// <summary>Applies every setting once per process (before the first model is built).</summary>
    public static void Prepare() => _ = Prepared.Value;

    /// <summary>
    /// True when this process found oneDNN's convolutions wrong on this CPU and turned oneDNN off
    /// (<see cref="CheckConvolutions"/>); libtorch's own convolution kernels run instead.
    /// </summary>
    public static bool OneDnnDisabled { get; private set; }

    /// <summary>
    /// Until disposed, oneDNN is on for <paramref name="models"/> where this process turned it off
    /// and every convolution of theirs has a shape oneDNN computes right there (measured by
    /// <c>bench/profile.sh conv-check</c>: output channels a multiple of 16, input channels a
    /// multiple of 16 or fewer than 16, no groups), or runs in a low precision with its channels
    /// padded (<see cref="Models.SameConv2d"/> through <see cref="Models.ChannelPaddedConvolution"/>).
    /// It matters: bfloat16 products without oneDNN are ~10x slower (2 epochs of mlp:1200-1200 on
    /// 20,000 rows: 81 s against 7 s) and a c32-c64 CNN's float32 step 2.4x (50 steps: 3.4 s
    /// against 1.4 s). The flag is process-wide, so a float32 run beside a switched one in another
    /// thread would get oneDNN's wrong kernels: float32 switches only where
    /// <see cref="OneModelAtATime"/> says that cannot happen (<see cref="OneDnnFor"/>). An imported
    /// model, whose layers cannot be seen, keeps it off. A scope for a model oneDNN gets wrong turns
    /// it off even inside a scope that turned it on; each scope restores the state it found.
    /// </summary>
    public static IDisposable? OneDnnWhereCorrect(IEnumerable<nn.Module> models)
    {
        if (!OneDnnDisabled) return null;
        var on = models.All(OneDnnComputesRight);
        if (on == _oneDnnOn) return null;
        SetOneDnn(on);
        return new OneDnnRestore(!on);
    }

    // libtorch starts with oneDNN on; only SetOneDnn changes it.
    private static bool _oneDnnOn = true;

    /// <summary>Turns oneDNN on or off for the whole process (torch.backends.mkldnn.enabled).</summary>
    internal static void SetOneDnn(bool on)
    {
        SetUserEnabledMkldnn(GlobalContext(), on);
        _oneDnnOn = on;
    }

    /// <summary>
    /// Set by a program that runs one model at a time (the distill command line): float32 steps and
    /// evaluations switch oneDNN per model as bfloat16 steps do (<see cref="OneDnnFor"/>). Off in a
    /// library, where another thread may run a model oneDNN gets wrong while the switch is on.
    /// </summary>
    internal static bool OneModelAtATime { get; set; }

    /// <summary><see cref="OneDnnWhereCorrect"/> for a low-precision step, or for any step of a program that runs one model at a time; null otherwise.</summary>
    internal static IDisposable? OneDnnFor(IEnumerable<nn.Module> models, bool lowPrecision) =>
        lowPrecision || OneModelAtATime ? OneDnnWhereCorrect(models) : null;

    /// <summary>True when every convolution of the model would be computed right by oneDNN where its odd-channel kernels are wrong.</summary>
    internal static bool OneDnnComputesRight(nn.Module model)
    {
        var modules = model.modules().Prepend(model).ToList();
        var padded = modules.OfType<Models.SameConv2d>().Where(c => c.ComputeType is not null).SelectMany(c => c.modules()).ToHashSet();
        return !modules.Any(m => m is Teachers.ImportedTeacher || (m is TorchSharp.Modules.Convolution conv && !padded.Contains(m) && !RightShape(conv)));
    }

    private static bool RightShape(TorchSharp.Modules.Convolution conv) =>
        conv.groups == 1 && !conv.transposed && conv.out_channels % Models.ChannelPaddedConvolution.ChannelBlock == 0
        && (conv.in_channels % Models.ChannelPaddedConvolution.ChannelBlock == 0 || conv.in_channels < Models.ChannelPaddedConvolution.ChannelBlock);

    private sealed class OneDnnRestore(bool on) : IDisposable
    {
        public void Dispose() => SetOneDnn(on);
    }

    /// <summary>
    /// libtorch 2.10's oneDNN 3.7.1 convolutions give wrong results on some CPUs (seen on an AMD
    /// EPYC, family 26, with AVX-512): whenever a channel count is not a multiple of 16, the
    /// forward pass (input side) or the input gradient (output side) holds garbage or NaN, in
    /// float32 as in bfloat16, and differently from run to run; limiting oneDNN to AVX2 does not
    /// help. On such a CPU every small CNN would train on wrong gradients. A few small convolutions
    /// of those shapes are checked against float64 (which oneDNN does not run) once per process;
    /// when they disagree, oneDNN is turned off as torch.backends.mkldnn.enabled = False does, and
    /// libtorch's own kernels (correct there, and faster for these sizes on that CPU) take over.
    /// The inputs are fixed patterns, so the check draws nothing from any random generator.
    /// </summary>
    private static bool CheckConvolutions()
    {
        try
        {
            if (ConvolutionsAgreeWithFloat64()) return true;
            SetOneDnn(false);
            OneDnnDisabled = true;
            return ConvolutionsAgreeWithFloat64();
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    /// <summary>Forward pass and both gradients of convolutions with channel counts off the multiples of 16, float32 against float64.</summary>
    internal static bool ConvolutionsAgreeWithFloat64()
    {
        using var scope = NewDisposeScope();
        using var grad = enable_grad();
        foreach (var (inputs, outputs) in new[] { (20L, 24L), (4L, 8L), (1L, 4L) })
        for (var repeat = 0; repeat < 2; repeat++)
        {
            var x = Pattern([32, inputs, 8, 8], 0.37 + repeat);
            var w = Pattern([outputs, inputs, 3, 3], 0.61 + repeat) * 0.3;
            var g = Pattern([32, outputs, 8, 8], 0.23 + repeat);
            var (y, dx, dw) = Convolve(x, w, g);
            var (y64, dx64, dw64) = Convolve(x.to(ScalarType.Float64), w.to(ScalarType.Float64), g.to(ScalarType.Float64));
            if (!Close(y, y64) || !Close(dx, dx64) || !Close(dw, dw64)) return false;
        }
        return true;
    }

    /// <summary>A fixed float32 test pattern (a sine of the element index), so checks draw nothing from any random generator.</summary>
    internal static Tensor Pattern(long[] shape, double frequency) =>
        arange(shape.Aggregate(1L, (a, b) => a * b), ScalarType.Float64).mul(frequency).sin().to(ScalarType.Float32).reshape(shape);

    private static (Tensor Output, Tensor InputGradient, Tensor WeightGradient) Convolve(Tensor x, Tensor w, Tensor g)
    {
        x = x.detach().clone().requires_grad_(true);
        w = w.detach().clone().requires_grad_(true);
        var y = nn.functional.conv2d(x, w, padding: [1, 1]);
        y.mul(g).sum().backward();
        return (y.detach(), x.grad!, w.grad!);
    }

    private static bool Close(Tensor actual, Tensor reference) =>
        actual.to(ScalarType.Float64).sub(reference).abs().max().item<double>() <= 1e-4 * (1 + reference.abs().max().item<double>());

    /// <summary>
    /// libtorch tries NNPACK for every float convolution with a batch of 16 or more; on CPUs
    /// NNPACK does not know it fails and logs "Could not initialize NNPACK! Reason: Unsupported
    /// hardware." each time (hundreds of lines per evaluation, TORCH_CPP_LOG_LEVEL does not
    /// silence it), then uses its own kernels anyway. Turning NNPACK off, as PyTorch's
    /// torch.backends.nnpack.set_flags(False) does, keeps the same kernels without the noise.
    /// </summary>
    private static bool DisableNnpack()
    {
        try
        {
            SetUserEnabledNnpack(GlobalContext(), false);
            return true;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Another libtorch build (or OS) without these C++ symbols: the warning, if any, stays.
            return false;
        }
    }

    /// <summary>
    /// A training step allocates and frees the same large activation and gradient buffers every
    /// step. glibc serves blocks over its mmap threshold (128 KiB, raised only by luck of the
    /// dynamic rule) with fresh mmap pages and returns them on free, so each step pays page
    /// faults and zeroing for megabytes: measured here, a bfloat16 MLP step took 13-28 ms instead
    /// of 2.3-4.5 ms in about half of the processes. Keeping freed memory in the heap (as the
    /// GLIBC_TUNABLES mmap_threshold/trim_threshold settings do) makes every process fast.
    /// </summary>
    private static bool KeepFreedMemory()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            // M_MMAP_THRESHOLD's ceiling on 64-bit glibc is 32 MiB; M_TRIM_THRESHOLD has none.
            return MallocOption(MmapThreshold, 32 << 20) == 1 & MallocOption(TrimThreshold, 1 << 30) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // musl or another C library without mallopt: its own allocator policy applies.
            return false;
        }
    }

    /// <summary>
    /// Hands the pages of freed native blocks back to the system (glibc's malloc_trim). With freed
    /// memory kept in the heap (above), libtorch's 64-byte-aligned allocations fragment it: a step's
    /// freed buffers are not reused by the next step's slightly larger aligned requests, and an MLP
    /// study's resident memory grew by 150-300 MiB per epoch (1.75 GiB at the end of a 2+2+2-epoch
    /// study, of which 1.1 GiB freed, bench/RESULTS.md). Trimming every few dozen steps bounds
    /// that growth; the pages it releases are faulted in again at most once per interval.
    /// </summary>
    public static void ReleaseFreedMemory()
    {
        if (!OperatingSystem.IsLinux() || !_trimAvailable) return;
        try
        {
            MallocTrim(0);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            _trimAvailable = false;
        }
    }

    private static bool _trimAvailable = true;

    /// <summary>
    /// <see cref="ReleaseFreedMemory"/> during training, only when the process's resident memory
    /// reached a new high (by more than <see cref="HighWaterMark.Slack"/>) since the last call that
    /// trimmed: the fragmentation described there shows as memory that keeps growing, while a model
    /// whose steps reuse the same freed blocks stays at one size, and trimming it then only makes
    /// the next steps fault their pages in again. Peak memory can therefore pass its earlier high
    /// by at most that margin plus one interval's growth. Measured on the quickstart CNN, one epoch,
    /// bfloat16, one thread: 14.9-15.9 s with a trim every 32 steps, 12.2 s without and 12.3-14.2 s
    /// with this rule, the same peak memory; the MLP study's peak stayed at 562 MiB
    /// (bench/RESULTS.md, "Issue 15, third pass").
    /// </summary>
    /// <returns>Whether it trimmed.</returns>
    public static bool ReleaseFreedMemoryIfGrown()
    {
        if (!ResidentMemory.ReachedNewHigh(Environment.WorkingSet)) return false;
        ReleaseFreedMemory();
        return true;
    }

    private static readonly HighWaterMark ResidentMemory = new();

    /// <summary>The highest value seen so far, and whether a new one passes it by more than the allocator's ordinary slack.</summary>
    internal sealed class HighWaterMark
    {
        /// <summary>A new high by less than this (8 MiB) is the allocator's ordinary slack, not growth worth a trim.</summary>
        public const long Slack = 8L << 20;

        private long _highest;

        /// <summary>True, and the mark moved up, when <paramref name="value"/> exceeds the mark by more than <see cref="Slack"/>.</summary>
        public bool ReachedNewHigh(long value)
        {
            if (value <= _highest + Slack) return false;
            _highest = value;
            return true;
        }
    }

    [DllImport("libc.so.6", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);

    private const int TrimThreshold = -1;
    private const int MmapThreshold = -3;

    [DllImport("libc.so.6", EntryPoint = "mallopt")]
    private static extern int MallocOption(int parameter, int value);

    [DllImport("libc.so.6", EntryPoint = "setenv")]
    private static extern int SetEnvironment(string name, string value, int overwrite);

    [DllImport("libtorch_cpu", EntryPoint = "MKL_Set_Dynamic")]
    private static extern void MklSetDynamic(int enabled);

    // at::Context& at::globalContext()
    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at13globalContextEv")]
    private static extern IntPtr GlobalContext();

    // void at::Context::setUserEnabledMkldnn(bool)
    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at7Context20setUserEnabledMkldnnEb")]
    private static extern void SetUserEnabledMkldnn(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

    // void at::Context::setUserEnabledNNPACK(bool); the object is the first argument in the Itanium C++ ABI.
    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at7Context20setUserEnabledNNPACKEb")]
    private static extern void SetUserEnabledNnpack(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);
}
