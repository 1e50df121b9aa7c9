using System.Runtime.InteropServices;

namespace Distill;

/// <summary>Process-wide native settings TorchSharp 0.107 does not expose.</summary>
internal static class NativeEnvironment
{
    private static readonly Lazy<bool> Prepared = new(() => DisableNnpack() & KeepFreedMemory());

    /// <summary>Applies every setting once per process (before the first model is built).</summary>
    public static void Prepare() => _ = Prepared.Value;

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

    [DllImport("libc.so.6", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);

    private const int TrimThreshold = -1;
    private const int MmapThreshold = -3;

    [DllImport("libc.so.6", EntryPoint = "mallopt")]
    private static extern int MallocOption(int parameter, int value);

    // at::Context& at::globalContext()
    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at13globalContextEv")]
    private static extern IntPtr GlobalContext();

    // void at::Context::setUserEnabledNNPACK(bool); the object is the first argument in the Itanium C++ ABI.
    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at7Context20setUserEnabledNNPACKEb")]
    private static extern void SetUserEnabledNnpack(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);
}
