using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Distill.Tests.Support;

/// <summary>
/// Every Distill program prepares the process (NativeEnvironment.Prepare) before its first model,
/// and so before libtorch's first matrix product, which MKL's kernel choice on non-Intel CPUs needs
/// (MklCpuDispatch). Some tests multiply tensors with TorchSharp alone, in whatever order xunit runs
/// them, so the test process prepares itself when it loads, as a program would at its start.
/// </summary>
internal static class PreparedProcess
{
    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255", Justification = "Must run before any test multiplies tensors.")]
    internal static void Prepare() => NativeEnvironment.Prepare();
}
