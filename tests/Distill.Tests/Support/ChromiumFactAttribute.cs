namespace Distill.Tests.Support;

/// <summary>A fact that needs Debian's headless Chromium; without it the test is reported as skipped with the reason, never passed silently.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (HeadlessChromium.MissingReason is { } reason) Skip = reason;
    }
}
