using Distill.Experiments.Shards;
using Distill.Tests.Support;

namespace Distill.Tests.Experiments.Shards;

public sealed class PointClaimTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void A_held_claim_cannot_be_taken_again_until_it_is_released()
    {
        var file = Path.Combine(_folder.Path, "seed-1", WorkUnit.ClaimFile);

        using (var first = PointClaim.TryTake(file))
        {
            Assert.NotNull(first);
            Assert.Null(PointClaim.TryTake(file));
        }
        Assert.Contains(Environment.ProcessId.ToString(), File.ReadAllText(file));
        using var again = PointClaim.TryTake(file);
        Assert.NotNull(again);
    }

    [Fact]
    public async Task Waiting_for_a_claim_returns_once_the_holder_lets_go()
    {
        var file = Path.Combine(_folder.Path, WorkUnit.ClaimFile);
        var held = PointClaim.TryTake(file)!;
        var messages = new List<string>();
        var waiting = Task.Run(() => PointClaim.Take(file, new SynchronousProgress(messages), CancellationToken.None));

        await Task.Delay(500);
        Assert.False(waiting.IsCompleted);
        held.Dispose();

        using var taken = await waiting.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Single(messages, m => m.StartsWith("Waiting for the process that holds", StringComparison.Ordinal));
    }

    private sealed class SynchronousProgress(List<string> messages) : IProgress<string>
    {
        public void Report(string value)
        {
            lock (messages) messages.Add(value);
        }
    }
}
