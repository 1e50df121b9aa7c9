using System.Runtime.InteropServices;

namespace Distill.Native;

/// <summary>
/// Makes MKL's matrix products reproducible from run to run, which a byte-identical resume needs:
/// libtorch links MKL with its dynamic thread choice on (MKL_VERBOSE shows "Dyn:1" on every SGEMM;
/// PyTorch turns it off only on threads it initialises itself) and with conditional numerical
/// reproducibility off, so a product's split among threads and its code path (which depends on
/// memory alignment) may differ between two runs of the same seed. MKL reads both settings from the
/// environment at its first call; MKL_CBWR=AUTO,STRICT keeps the fastest code path for the CPU and
/// only fixes its reductions. Opt-in (<see cref="NativeOptions.ReproducibleMkl"/>) because it
/// writes the host's environment.
/// </summary>
internal static class MklReproducibility
{
    /// <summary>
    /// Sets both variables where the user set neither. .NET's Environment.SetEnvironmentVariable
    /// does not reach the C library's environment on Linux, where MKL reads it, so libc's setenv is
    /// called directly.
    /// </summary>
    public static void SetEnvironment()
    {
        if (!OperatingSystem.IsLinux()) return;
        try
        {
            SetLibcEnvironment("MKL_CBWR", "AUTO,STRICT", 0);
            SetLibcEnvironment("MKL_DYNAMIC", "FALSE", 0);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Another C library: MKL keeps its defaults.
        }
    }

    /// <summary>The same dynamic-threads setting through MKL's own call, for a process that used libtorch before the host opted in (MKL read its environment then).</summary>
    public static void FixThreads()
    {
        if (Environment.GetEnvironmentVariable("MKL_DYNAMIC") is { } own && !own.Equals("FALSE", StringComparison.OrdinalIgnoreCase)) return;
        try
        {
            MklSetDynamic(0);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // A libtorch built without MKL.
        }
    }

    [DllImport("libc.so.6", EntryPoint = "setenv")]
    private static extern int SetLibcEnvironment(string name, string value, int overwrite);

    [DllImport("libtorch_cpu", EntryPoint = "MKL_Set_Dynamic")]
    private static extern void MklSetDynamic(int enabled);
}
