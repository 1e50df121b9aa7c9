using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Distill;

/// <summary>
/// Makes TorchSharp-cpu 0.107's native library loadable in any application that uses Distill, not
/// only in builds of this repository. libLibTorchSharp.so declares a need for GLIBCXX_3.4.32 (GCC 13)
/// only for a marker symbol it never calls; Debian 12's libstdc++ stops at 3.4.30, so the loader
/// refuses the library and TorchSharp reports a misleading "doesn't contain a reference to
/// libtorch-cpu-linux-x64". Our build marks that requirement weak in every output it produces
/// (build/WeakenGlibcxxRequirement.targets, also shipped in the package's buildTransitive), but an
/// application that references Distill's project from elsewhere copies the unpatched file. So, when
/// the Distill assembly loads and before any TorchSharp call, the copies TorchSharp will load are
/// marked the same way (idempotent; a no-op on a newer libstdc++, where the flag changes nothing).
/// </summary>
internal static class NativeLibraryRepair
{
    private const string Library = "libLibTorchSharp.so";

    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255", Justification = "Must run before TorchSharp's static constructor loads the native library.")]
    internal static void Repair()
    {
        if (!OperatingSystem.IsLinux()) return;
        foreach (var path in Candidates())
        {
            try
            {
                if (File.Exists(path)) ElfVersionNeed.Weaken(path, "GLIBCXX_3.4.32");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                // A read-only install: the build-time patch is then the only one, as before.
            }
        }
    }

    private static IEnumerable<string> Candidates()
    {
        var root = AppContext.BaseDirectory;
        yield return Path.Combine(root, Library);
        yield return Path.Combine(root, "runtimes", "linux-x64", "native", Library);
        yield return Path.Combine(root, "cpu", Library);
    }
}
