using System.Runtime.InteropServices;

namespace Distill;

/// <summary>Process-wide libtorch settings TorchSharp 0.107 does not expose.</summary>
internal static class NativeEnvironment
{
    private static readonly Lazy<bool> NnpackDisabled = new(DisableNnpack);

    /// <summary>
    /// libtorch tries NNPACK for every float convolution with a batch of 16 or more; on CPUs
    /// NNPACK does not know it fails and logs "Could not initialize NNPACK! Reason: Unsupported
    /// hardware." each time (hundreds of lines per evaluation, TORCH_CPP_LOG_LEVEL does not
    /// silence it), then uses its own kernels anyway. Turning NNPACK off, as PyTorch's
    /// torch.backends.nnpack.set_flags(False) does, keeps the same kernels without the noise.
    /// </summary>
    public static void EnsureQuietConvolutions() => _ = NnpackDisabled.Value;

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

    // at::Context& at::globalContext()
    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at13globalContextEv")]
    private static extern IntPtr GlobalContext();

    // void at::Context::setUserEnabledNNPACK(bool); the object is the first argument in the Itanium C++ ABI.
    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at7Context20setUserEnabledNNPACKEb")]
    private static extern void SetUserEnabledNnpack(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);
}
