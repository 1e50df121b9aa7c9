using System.Runtime.InteropServices;

namespace Distill.Native;

/// <summary>
/// glibc's allocator policy for training (<see cref="NativeOptions.KeepFreedMemory"/>), opt-in
/// because it is the host's allocator. Without it the trainer trims nothing and glibc keeps its own
/// thresholds.
/// </summary>
internal static class FreedMemory
{
    private static bool _trimAvailable = true;
    private static readonly HighWaterMark ResidentMemory = new();

    /// <summary>
    /// A training step allocates and frees the same large activation and gradient buffers every
    /// step. glibc serves blocks over its mmap threshold (128 KiB, raised only by luck of the
    /// dynamic rule) with fresh mmap pages and returns them on free, so each step pays page faults
    /// and zeroing for megabytes: measured here, a bfloat16 MLP step took 13-28 ms instead of
    /// 2.3-4.5 ms in about half of the processes. Keeping freed memory in the heap (as the
    /// GLIBC_TUNABLES mmap_threshold/trim_threshold settings do) makes every process fast.
    /// </summary>
    public static void KeepInHeap()
    {
        if (!OperatingSystem.IsLinux()) return;
        try
        {
            // Blocks up to 1 GiB from the heap: a batch of 64 RGB images at 224x224 in float32 is
            // 38.5 MB, over the 32 MiB that older glibc documents as M_MMAP_THRESHOLD's ceiling, and
            // was served with fresh pages on every copy (a clone of it: 120 ms against 2.5 ms from the
            // heap, measured here). glibc 2.36 accepts 1 GiB; one that refuses it keeps 32 MiB.
            if (MallocOption(MmapThreshold, 1 << 30) == 0) MallocOption(MmapThreshold, 32 << 20);
            MallocOption(TrimThreshold, 1 << 30);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // musl or another C library without mallopt: its own allocator policy applies.
        }
    }

    /// <summary>
    /// Hands the pages of freed native blocks back to the system (glibc's malloc_trim), where the
    /// host opted in. With freed memory kept in the heap (above), libtorch's 64-byte-aligned
    /// allocations fragment it: a step's freed buffers are not reused by the next step's slightly
    /// larger aligned requests, and an MLP study's resident memory grew by 150-300 MiB per epoch
    /// (1.75 GiB at the end of a 2+2+2-epoch study, of which 1.1 GiB freed, bench/RESULTS.md).
    /// Trimming every few dozen steps bounds that growth; the pages it releases are faulted in
    /// again at most once per interval.
    /// </summary>
    public static void Release()
    {
        if (!OperatingSystem.IsLinux() || !_trimAvailable || NativeRuntime.Options?.KeepFreedMemory != true) return;
        try
        {
            MallocTrim(0);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            _trimAvailable = false;
        }
    }

    /// <summary>
    /// <see cref="Release"/> during training, only when the process's resident memory reached a new
    /// high (by more than <see cref="HighWaterMark.Slack"/>) since the last call that trimmed: the
    /// fragmentation described there shows as memory that keeps growing, while a model whose steps
    /// reuse the same freed blocks stays at one size, and trimming it then only makes the next steps
    /// fault their pages in again. Peak memory can therefore pass its earlier high by at most that
    /// margin plus one interval's growth. Measured on the quickstart CNN, one epoch, bfloat16, one
    /// thread: 14.9-15.9 s with a trim every 32 steps, 12.2 s without and 12.3-14.2 s with this rule,
    /// the same peak memory; the MLP study's peak stayed at 562 MiB (bench/RESULTS.md, "Issue 15,
    /// third pass").
    /// </summary>
    /// <returns>Whether it trimmed.</returns>
    public static bool ReleaseIfGrown()
    {
        if (NativeRuntime.Options?.KeepFreedMemory != true || !ResidentMemory.ReachedNewHigh(Environment.WorkingSet)) return false;
        Release();
        return true;
    }

    private const int TrimThreshold = -1;
    private const int MmapThreshold = -3;

    [DllImport("libc.so.6", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);

    [DllImport("libc.so.6", EntryPoint = "mallopt")]
    private static extern int MallocOption(int parameter, int value);
}
