using Distill.Studies;

namespace Distill.Experiments.Shards;

/// <summary>
/// An experiment cut into independent work: the shared roles (the teacher stage) and one
/// <see cref="WorkUnit"/> per point and seed, in the order <see cref="Experiments.ExperimentPlan"/> plans them
/// (seeds outer, sweep points inner). Every unit writes only under its own folders, so units run in
/// any order, in any process, and leave the same files as the whole experiment in one process.
/// </summary>
public sealed class ShardPlan
{
    private ShardPlan(IReadOnlyList<StudyRole> teacherRoles, IReadOnlyList<WorkUnit> units)
    {
        TeacherRoles = teacherRoles;
        Units = units;
    }

    /// <summary>The roles every point needs: a teacher, an ensemble's members, a capacity sweep's teachers.</summary>
    public IReadOnlyList<StudyRole> TeacherRoles { get; }

    public IReadOnlyList<WorkUnit> Units { get; }

    public static ShardPlan Of(Experiment experiment)
    {
        var plan = Experiments.ExperimentPlan.Of(experiment);
        var index = plan.Roles.Select((r, i) => (r.Folder, i)).ToDictionary(p => p.Folder, p => p.i, StringComparer.Ordinal);
        var inPoints = plan.Points.SelectMany(p => new[] { p.Scratch, p.Distilled }.Concat(p.Others)).ToHashSet(StringComparer.Ordinal);
        var units = new List<WorkUnit>();
        var taken = new HashSet<string>(StringComparer.Ordinal);
        foreach (var point in plan.Points)
        {
            // A scratch baseline shared by a seed's points belongs to the first point that uses it.
            var folders = new[] { point.Scratch, point.Distilled }.Concat(point.Others).Where(taken.Add).OrderBy(f => index[f]);
            units.Add(new WorkUnit(units.Count, point.Folder, folders.Select(f => plan.Roles[index[f]]).ToList()));
        }
        return new ShardPlan(plan.Roles.Where(r => !inPoints.Contains(r.Folder)).ToList(), units);
    }

    /// <summary>The units shard <paramref name="shard"/> runs.</summary>
    public IReadOnlyList<WorkUnit> UnitsOf(ShardSpec shard) => Units.Where(u => shard.Owns(u.Number)).ToList();

    /// <summary>True when every trained role among <paramref name="roles"/> has its outcome.json under <paramref name="root"/>; loaded and combined teachers need none.</summary>
    public static bool Finished(string root, IEnumerable<StudyRole> roles) =>
        roles.Where(r => r.LoadFrom is null && r.Members is null)
            .All(r => File.Exists(Path.Combine(root, r.Folder, ModelRunner.OutcomeFile)));
}
