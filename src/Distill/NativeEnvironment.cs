using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Distill;

/// <summary>
/// Settings libtorch reads from the process environment when it loads. They must reach the
/// native environment (setenv), which Environment.SetEnvironmentVariable does not touch on Unix.
/// </summary>
internal static class NativeEnvironment
{
    /// <summary>
    /// libtorch warns "Could not initialize NNPACK! Reason: Unsupported hardware." on every
    /// convolution on CPUs NNPACK does not know, flooding the terminal; it then falls back to its
    /// own kernels, so the warning says nothing useful. Errors are still shown. A value the user
    /// set is kept.
    /// </summary>
#pragma warning disable CA2255 // Must run before TorchSharp loads libtorch, whoever calls the library first.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void QuietLibTorchWarnings()
    {
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
            SetEnvironment("TORCH_CPP_LOG_LEVEL", "ERROR", overwrite: 0);
    }

    [DllImport("libc", EntryPoint = "setenv", CharSet = CharSet.Ansi)]
    private static extern int SetEnvironment(string name, string value, int overwrite);
}
