using Distill.Studies;

namespace Distill.Experiments.Shards;

/// <summary>
/// A piece of an experiment's work: one point at one seed with the roles it adds to the plan (the
/// scratch baseline only it uses, the distilled student, a chain's assistants and candidates), or a
/// scratch baseline several points of a seed share; and the folder, under the experiment's folder,
/// that holds them.
/// </summary>
/// <param name="Number">Its place in the plan, from 0: the shard it belongs to is Number mod n.</param>
/// <param name="Folder">Its folder relative to the experiment (seed-2, or seed-2/points/p3 in a sweep, or a shared baseline's seed-2/scratch).</param>
public sealed record WorkUnit(int Number, string Folder, IReadOnlyList<StudyRole> Roles)
{
    /// <summary>Where a process holds its claim on the unit while it runs it.</summary>
    public const string ClaimFile = ".distill-claim";

    /// <summary>Written when the unit's run failed, with the error; removed when it is run again.</summary>
    public const string FailureFile = ".distill-failed";

    /// <summary>True when every model the unit trains has its outcome.json under <paramref name="root"/>.</summary>
    public bool IsFinished(string root) => ShardPlan.Finished(root, Roles);

    /// <summary>
    /// True when a role of the unit learns from, or combines, a model of the teacher stage (every
    /// point does); a shared scratch baseline does not, so it can run before that stage has finished.
    /// </summary>
    public bool NeedsTeacherStage =>
        Roles.SelectMany(r => (r.Members ?? []).Append(r.TeacherFolder).Append(r.Cohort?.Folder)).OfType<string>()
            .Except(Roles.Select(r => r.Folder), StringComparer.Ordinal).Any();
}
