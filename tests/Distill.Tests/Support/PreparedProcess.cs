using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using Distill.Native;

namespace Distill.Tests.Support;

/// <summary>
/// The test process is a host like the distill command line: it opts into Distill's native settings
/// (DistillNative.Prepare) and applies them before libtorch's first matrix product, which MKL's
/// kernel choice on non-Intel CPUs needs (MklCpuDispatch). Some tests multiply tensors with
/// TorchSharp alone, in whatever order xunit runs them, so this happens when the test assembly
/// loads, as a program would at its start. The library itself has no such initializer
/// (NativeOptInTests); the consumer program (tests/consumer) runs it without the call.
/// </summary>
internal static class PreparedProcess
{
    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255", Justification = "Must run before any test multiplies tensors.")]
    internal static void Prepare()
    {
        DistillNative.Prepare();
        NativeRuntime.EnsureReady();
    }
}
