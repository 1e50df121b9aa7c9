namespace Distill.Tests.Support;

/// <summary>
/// A theory that needs Debian's PyTorch and torchvision (python3-torch, python3-torchvision) to write
/// its golden files at test time; without them each case is reported as skipped with the reason.
/// </summary>
public sealed class PythonTorchvisionTheoryAttribute : TheoryAttribute
{
    private static readonly Lazy<string?> Missing = new(Probe);

    public PythonTorchvisionTheoryAttribute()
    {
        if (Missing.Value is { } reason) Skip = reason;
    }

    private static string? Probe()
    {
        try
        {
            var (code, errors) = Python.Run("import torch, torchvision");
            return code == 0 ? null : $"python3 cannot import torch and torchvision ({errors.Trim().Split('\n')[^1]}); apt-get install python3-torch python3-torchvision to run this check.";
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return $"python3 is not installed ({e.Message}); apt-get install python3-torch python3-torchvision to run this check.";
        }
    }
}
