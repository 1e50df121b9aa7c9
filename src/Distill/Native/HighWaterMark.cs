namespace Distill.Native;

/// <summary>The highest value seen so far, and whether a new one passes it by more than the allocator's ordinary slack (<see cref="FreedMemory.ReleaseIfGrown"/>).</summary>
internal sealed class HighWaterMark
{
    /// <summary>A new high by less than this (8 MiB) is the allocator's ordinary slack, not growth worth a trim.</summary>
    public const long Slack = 8L << 20;

    private long _highest;

    /// <summary>True, and the mark moved up, when <paramref name="value"/> exceeds the mark by more than <see cref="Slack"/>.</summary>
    public bool ReachedNewHigh(long value)
    {
        if (value <= _highest + Slack) return false;
        _highest = value;
        return true;
    }
}
