using Distill.Native;

namespace Distill.Tests.Native;

/// <summary>
/// During training, freed native memory is handed back only when the process's resident memory
/// reached a new high (FreedMemory.ReleaseIfGrown): steps that reuse the same
/// blocks are not made to fault their pages in again, while growth is still trimmed. The rule is
/// checked on given sizes: the process's own resident memory moves with whatever ran before.
/// </summary>
public sealed class FreedMemoryReleaseTests
{
    private const long MiB = 1L << 20;

    [Fact]
    public void Trims_only_when_resident_memory_reaches_a_new_high()
    {
        var mark = new HighWaterMark();

        Assert.True(mark.ReachedNewHigh(500 * MiB), "the first size seen is a new high");
        // Steps that reuse the same blocks: the same size, or a little more, again and again.
        foreach (var resident in new[] { 500 * MiB, 480 * MiB, 500 * MiB + HighWaterMark.Slack, 505 * MiB })
            Assert.False(mark.ReachedNewHigh(resident), $"trimmed at {resident / MiB} MiB although memory did not grow past its high");

        // Growth: 96 MiB more is a new high, once; falling back after the trim and growing to that high again is not.
        Assert.True(mark.ReachedNewHigh(596 * MiB), "did not trim although resident memory grew by 96 MiB");
        Assert.False(mark.ReachedNewHigh(596 * MiB), "trimmed twice at the same high");
        Assert.False(mark.ReachedNewHigh(520 * MiB));
        Assert.False(mark.ReachedNewHigh(600 * MiB), "trimmed on regrowth to the earlier high");
        Assert.True(mark.ReachedNewHigh(640 * MiB));
    }
}
