using Distill.Tests.Support;
using static TorchSharp.torch;

namespace Distill.Tests.Training;

/// <summary>
/// During training, freed native memory is handed back only when the process's resident memory
/// reached a new high: steps that reuse the same blocks are not made to fault their pages in again,
/// while growth is still trimmed.
/// </summary>
[Collection(ProcessMemory.Name)]
public sealed class FreedMemoryReleaseTests
{
    [Fact]
    public void Trims_only_when_resident_memory_reaches_a_new_high()
    {
        NativeEnvironment.Prepare();
        NativeEnvironment.ReleaseFreedMemoryIfGrown(); // sets the high-water mark wherever the suite stands

        // The same 4 MiB block allocated, written and freed again and again: memory does not grow.
        for (var i = 0; i < 5; i++)
        {
            using (var block = ones(1 << 20)) _ = block.sum().item<float>();
            Assert.False(NativeEnvironment.ReleaseFreedMemoryIfGrown(), $"trimmed on repeat {i} although memory did not grow");
        }

        // 96 MiB more held and written: a new high, so the freed memory is handed back.
        var held = Enumerable.Range(0, 6).Select(_ => ones(4 << 20)).ToList();
        try
        {
            Assert.True(Environment.WorkingSet > 0);
            Assert.True(NativeEnvironment.ReleaseFreedMemoryIfGrown(), "did not trim although resident memory grew by 96 MiB");
            Assert.False(NativeEnvironment.ReleaseFreedMemoryIfGrown(), "trimmed twice at the same high");
        }
        finally
        {
            foreach (var tensor in held) tensor.Dispose();
        }
    }
}
