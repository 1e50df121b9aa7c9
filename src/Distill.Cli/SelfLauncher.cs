using System.Diagnostics;
using System.Reflection;

namespace Distill.Cli;

/// <summary>
/// Starts this same program again, however it was started: the distill apphost or tool shim runs
/// itself; under `dotnet Distill.Cli.dll` the host is given the assembly again.
/// </summary>
internal static class SelfLauncher
{
    public static ProcessStartInfo StartInfo()
    {
        var host = Environment.ProcessPath ?? throw new DistillException("Distill cannot find its own executable to start a helper process.");
        var info = new ProcessStartInfo(host);
        if (Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
            info.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        return info;
    }
}
