using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using Distill.Native;

namespace Distill.Tests.Native;

/// <summary>
/// MKL inside libtorch picks its matrix-product kernels from the CPU's features on CPUs not made
/// by Intel too (MklCpuDispatch); the products it then computes must be right.
/// </summary>
public sealed class MklCpuDispatchTests
{
    [Fact]
    public void Once_prepared_float32_products_agree_with_float64()
    {
        NativeRuntime.EnsureReady();

        Assert.True(MklCpuDispatch.ProductsAgreeWithFloat64(), $"float32 products disagree with float64 ({MklCpuDispatch.State})");
    }

    [Fact]
    public void On_a_non_Intel_x86_64_cpu_with_avx2_MKL_chooses_by_features()
    {
        NativeRuntime.EnsureReady();
        var applies = OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture == Architecture.X64 && Avx2.IsSupported
                      && !IsIntel() && Environment.GetEnvironmentVariable(MklCpuDispatch.Switch) is null;

        // Where it applies, a libtorch whose MKL dispatch code changed shape must fail here rather than
        // silently run at half speed; elsewhere the process must be left alone.
        Assert.Equal(applies, MklCpuDispatch.ByFeatures);
        Assert.StartsWith(applies ? "MKL chooses kernels by CPU features" : "MKL's own choice", MklCpuDispatch.State);
    }

    private static bool IsIntel()
    {
        var (_, ebx, ecx, edx) = X86Base.CpuId(0, 0);
        return (ebx, edx, ecx) == (0x756e6547, 0x49656e69, 0x6c65746e); // "Genu" "ineI" "ntel"
    }
}
