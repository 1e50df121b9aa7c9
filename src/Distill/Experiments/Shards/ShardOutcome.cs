namespace Distill.Experiments.Shards;

/// <summary>What one shard did with the units it owns.</summary>
/// <param name="Ran">Units this process ran to the end (trained, or resumed after a kill).</param>
/// <param name="AlreadyFinished">Units it found finished and skipped.</param>
/// <param name="HeldElsewhere">Units another live process was running; that process finishes them.</param>
/// <param name="Failed">Units whose run failed, each with its error (also in its folder's failure file).</param>
public sealed record ShardOutcome(
    ShardSpec Shard,
    IReadOnlyList<string> Ran,
    IReadOnlyList<string> AlreadyFinished,
    IReadOnlyList<string> HeldElsewhere,
    IReadOnlyList<(string Folder, string Error)> Failed);
