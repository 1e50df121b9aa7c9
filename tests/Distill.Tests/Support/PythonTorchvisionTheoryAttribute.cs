namespace Distill.Tests.Support;

/// <summary>
/// A theory that needs Debian's PyTorch and torchvision (python3-torch, python3-torchvision) to write
/// its golden files at test time; without them each case is reported as skipped with the reason.
/// </summary>
public sealed class PythonTorchvisionTheoryAttribute : TheoryAttribute
{
    private static readonly Lazy<string?> Missing = new(() => Python.Missing("torch, torchvision", "python3-torch python3-torchvision"));

    public PythonTorchvisionTheoryAttribute()
    {
        if (Missing.Value is { } reason) Skip = reason;
    }
}
