namespace Distill.Native;

/// <summary>
/// Which of Distill's native settings <see cref="DistillNative.Prepare"/> applies; all on by default.
/// Each one changes the whole process (its environment, its allocator, the code of the MKL inside
/// libtorch), which is why none of them happens unless the host program asks. docs/native.md says
/// what each one does and what it was measured to gain.
/// </summary>
public sealed record NativeOptions
{
    /// <summary>
    /// Sets MKL_CBWR=AUTO,STRICT and MKL_DYNAMIC=FALSE in the process environment (a value already
    /// set is kept) and turns MKL's dynamic thread choice off, so that MKL's matrix products give the
    /// same bits in every process: what a byte-identical resume needs. Takes full effect only when
    /// made before libtorch's first matrix product.
    /// </summary>
    public bool ReproducibleMkl { get; init; } = true;

    /// <summary>
    /// On x86-64 Linux CPUs not made by Intel, lets MKL choose its kernels by the CPU's features
    /// instead of its vendor, by writing MKL's cached answer in memory; checked against float64
    /// before use. About 2x faster float32 products on an AMD EPYC. Off with the environment
    /// variable DISTILL_MKL_CPU_DISPATCH=vendor too.
    /// </summary>
    public bool MklKernelsByCpuFeatures { get; init; } = true;

    /// <summary>
    /// Raises glibc's mmap and trim thresholds (mallopt) so that freed training buffers stay in the
    /// heap, and trims the heap when training memory reaches a new high; a step otherwise paid page
    /// faults for its buffers in about half of the processes (up to 6x slower).
    /// </summary>
    public bool KeepFreedMemory { get; init; } = true;

    /// <summary>Adam and AdamW steps in libtorch's fused CPU kernel (3-7x faster steps; same results to the last bit or two).</summary>
    public bool FusedAdam { get; init; } = true;

    /// <summary>Turns NNPACK off, which libtorch would try and fail on every convolution of CPUs it does not know, logging a line each time.</summary>
    public bool QuietNnpack { get; init; } = true;
}
