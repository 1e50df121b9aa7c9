using System.Runtime.InteropServices;

namespace Distill.Native;

/// <summary>
/// Two of libtorch's process-wide switches that TorchSharp 0.107 does not expose
/// (torch.backends.mkldnn.enabled and torch.backends.nnpack.set_flags in PyTorch), called by their
/// C++ names in libtorch 2.10.
/// </summary>
internal static class LibtorchContext
{
    /// <summary>Turns oneDNN on or off for the whole process.</summary>
    public static void SetOneDnn(bool on) => SetUserEnabledMkldnn(GlobalContext(), on);

    /// <summary>
    /// libtorch tries NNPACK for every float convolution with a batch of 16 or more; on CPUs NNPACK
    /// does not know it fails and logs "Could not initialize NNPACK! Reason: Unsupported hardware."
    /// each time (hundreds of lines per evaluation, TORCH_CPP_LOG_LEVEL does not silence it), then
    /// uses its own kernels anyway. Turning NNPACK off keeps the same kernels without the noise.
    /// </summary>
    public static void TryDisableNnpack()
    {
        try
        {
            SetUserEnabledNnpack(GlobalContext(), false);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Another libtorch build (or OS) without these C++ symbols: the warning, if any, stays.
        }
    }

    // at::Context& at::globalContext()
    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at13globalContextEv")]
    private static extern IntPtr GlobalContext();

    // void at::Context::setUserEnabledMkldnn(bool); the object is the first argument in the Itanium C++ ABI.
    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at7Context20setUserEnabledMkldnnEb")]
    private static extern void SetUserEnabledMkldnn(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

    // void at::Context::setUserEnabledNNPACK(bool)
    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at7Context20setUserEnabledNNPACKEb")]
    private static extern void SetUserEnabledNnpack(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);
}
