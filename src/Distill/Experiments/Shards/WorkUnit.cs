using Distill.Studies;

namespace Distill.Experiments.Shards;

/// <summary>
/// One point of an experiment at one seed, as its own piece of work: the roles it adds to the plan
/// (the scratch baseline where the plan makes one for it, the distilled student, a chain's
/// assistants and candidates) and the folder, under the experiment's folder, that holds them.
/// </summary>
/// <param name="Number">Its place in the plan, from 0: the shard it belongs to is Number mod n.</param>
/// <param name="Folder">Its folder relative to the experiment (seed-2, or seed-2/points/p3 in a sweep).</param>
public sealed record WorkUnit(int Number, string Folder, IReadOnlyList<StudyRole> Roles)
{
    /// <summary>Where a process holds its claim on the unit while it runs it.</summary>
    public const string ClaimFile = ".distill-claim";

    /// <summary>Written when the unit's run failed, with the error; removed when it is run again.</summary>
    public const string FailureFile = ".distill-failed";

    /// <summary>True when every model the unit trains has its outcome.json under <paramref name="root"/>.</summary>
    public bool IsFinished(string root) => ShardPlan.Finished(root, Roles);
}
