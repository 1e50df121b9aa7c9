using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using static TorchSharp.torch;

namespace Distill.Native;

/// <summary>
/// Lets the MKL inside libtorch choose its matrix-product kernels by what the CPU can do rather
/// than by who made it. MKL (statically linked into libtorch_cpu) asks
/// <c>mkl_serv_intel_cpu_true</c> whether the CPU says "GenuineIntel" and, when it does not, runs
/// its generic kernels whatever the CPU supports: on an AMD EPYC with AVX-512 (Zen 5) a 2048²
/// float32 product ran at 75-79 GFLOP/s and forward + backward of an mlp:800-800 step took
/// 10-11 ms, against 141-163 GFLOP/s and 5-6 ms once MKL took the kernels it picks for those
/// features (bench/RESULTS.md, "MKL's kernels on the AMD EPYC"). That function keeps its answer
/// in a variable it reads first; setting the variable to 1 before MKL's first call has the effect
/// of the well-known LD_PRELOAD shim that makes the function return 1, without restarting the
/// process. MKL then picks its kernels from the CPU's feature flags (CPUID), as on Intel CPUs.
///
/// It has to happen before libtorch's first matrix product: MKL decides once, and changing the
/// answer afterwards (measured: resetting its decision too) leaves it slower than either choice.
/// So <see cref="Prepare"/> is the first thing <see cref="NativeRuntime.EnsureReady"/> does,
/// before the first model is built; a process that multiplied matrices with TorchSharp before
/// that keeps MKL's own choice (<see cref="State"/> says so). It writes into MKL's memory, so it
/// happens only where the host opted in (<see cref="NativeOptions.MklKernelsByCpuFeatures"/>). It
/// acts only where each step can be checked: Linux
/// on x86-64, a CPU that is not Intel's and has AVX2, MKL not yet initialised, and the two
/// functions' first instructions exactly those of the MKL build in libtorch 2.10 (any other build
/// is left alone). Float32 products of several shapes and transpositions are then checked against
/// float64; should they disagree, the run stops with a sentence naming
/// DISTILL_MKL_CPU_DISPATCH=vendor, which keeps MKL's own choice.
/// Nothing in TorchSharp or MKL's public API does this (mkl_cbwr_set and MKL_ENABLE_INSTRUCTIONS
/// only restrict a choice; MKL_DEBUG_CPU_TYPE was removed in MKL 2020).
/// </summary>
internal static class MklCpuDispatch
{
    /// <summary>The environment variable that turns this off (value <c>vendor</c>).</summary>
    public const string Switch = "DISTILL_MKL_CPU_DISPATCH";

    /// <summary>What happened in this process, for diagnostics and tests.</summary>
    public static string State { get; private set; } = "MKL's own choice: Distill was not asked to change it";

    /// <summary>True when MKL was told to choose its kernels from the CPU's features.</summary>
    public static bool ByFeatures { get; private set; }

    // mov eax, [rip + disp32]; test eax, eax; js +1; ret
    private static readonly byte?[] CachedAnswerPrologue = [0x8B, 0x05, null, null, null, null, 0x85, 0xC0, 0x78, 0x01, 0xC3];
    // cmp dword [rip + disp32], 0; js ...
    private static readonly byte?[] DetectPrologue = [0x83, 0x3D, null, null, null, null, 0x00, 0x78];

    /// <summary>Tells MKL the CPU may use the kernels its features allow, where that applies (see the class), and checks its products; once per process.</summary>
    public static void Prepare()
    {
        if (ChooseByFeatures() is not { } detect) return;
        if (!ProductsAgreeWithFloat64())
            throw new DistillException($"float32 matrix products disagree with float64 with MKL's kernels for this CPU's features; set {Switch}=vendor to keep MKL's own choice.");
        State = $"MKL chooses kernels by CPU features (code path {Detect(detect)}, products checked)";
    }

    /// <summary>Sets MKL's cached is-Intel answer where that applies; returns MKL's detection function then, null (with <see cref="State"/> saying why) otherwise.</summary>
    private static IntPtr? ChooseByFeatures()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64)
            return Leave("not Linux on x86-64");
        if (string.Equals(Environment.GetEnvironmentVariable(Switch), "vendor", StringComparison.OrdinalIgnoreCase))
            return Leave($"{Switch}=vendor");
        if (!X86Base.IsSupported || Vendor() == "GenuineIntel")
            return Leave("an Intel CPU, for which MKL already chooses by features");
        if (!Avx2.IsSupported)
            return Leave("a CPU without AVX2");
        if (!NativeLibrary.TryLoad("libtorch_cpu", typeof(MklCpuDispatch).Assembly, null, out var library)
            || !NativeLibrary.TryGetExport(library, "mkl_serv_intel_cpu_true", out var isIntel)
            || !NativeLibrary.TryGetExport(library, "mkl_serv_cpu_detect", out var detect))
            return Leave("a libtorch without MKL's dispatch functions");
        if (RipTarget(isIntel, CachedAnswerPrologue) is not { } answer || RipTarget(detect, DetectPrologue) is not { } decision)
            return Leave("an MKL build whose dispatch code this version does not know");
        if (Marshal.ReadInt32(decision) >= 0)
            return Leave("MKL had already run a product before Distill prepared the process");
        Marshal.WriteInt32(answer, 1);
        ByFeatures = true;
        State = "MKL chooses kernels by CPU features (products not yet checked)";
        return detect;
    }

    private static IntPtr? Leave(string why)
    {
        State = $"MKL's own choice: {why}";
        return null;
    }

    private static string Vendor()
    {
        var (_, ebx, ecx, edx) = X86Base.CpuId(0, 0);
        Span<int> words = [ebx, edx, ecx];
        return System.Text.Encoding.ASCII.GetString(MemoryMarshal.AsBytes(words));
    }

    /// <summary>The address a RIP-relative operand at byte 2 points to, when the code at <paramref name="function"/> matches <paramref name="prologue"/>; null otherwise.</summary>
    private static IntPtr? RipTarget(IntPtr function, byte?[] prologue)
    {
        for (var i = 0; i < prologue.Length; i++)
            if (prologue[i] is { } expected && Marshal.ReadByte(function, i) != expected) return null;
        // The displacement counts from the end of the instruction: 6 bytes for mov, 7 for cmp with an imm8.
        var instructionLength = prologue[0] == 0x8B ? 6 : 7;
        return function + instructionLength + Marshal.ReadInt32(function, 2);
    }

    private static int Detect(IntPtr detect)
    {
        unsafe
        {
            return ((delegate* unmanaged<int>)detect)();
        }
    }

    /// <summary>
    /// Float32 products (plain and with either side transposed, as forward and backward passes use)
    /// within rounding of float64 sums of elementwise products, which use no matrix-product kernel.
    /// </summary>
    internal static bool ProductsAgreeWithFloat64()
    {
        using var scope = NewDisposeScope();
        foreach (var (m, k, n) in new[] { (128L, 300L, 64L), (37L, 53L, 29L), (1L, 300L, 10L), (96L, 64L, 257L) })
        {
            var a = FixedPattern.Of([m, k], 0.37);
            var b = FixedPattern.Of([k, n], 0.61);
            var reference = a.to(ScalarType.Float64).unsqueeze(2).mul(b.to(ScalarType.Float64).unsqueeze(0)).sum(1);
            var tolerance = 1e-5 * (1 + reference.abs().max().item<double>()) * Math.Sqrt(k);
            var bt = b.t().contiguous();
            var at = a.t().contiguous();
            foreach (var (left, right) in new[] { (a, b), (a, bt.t()), (at.t(), b) })
                if (left.matmul(right).to(ScalarType.Float64).sub(reference).abs().max().item<double>() > tolerance) return false;
        }
        return true;
    }
}
