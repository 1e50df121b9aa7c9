using Distill.Studies;

namespace Distill.Experiments.Shards;

/// <summary>
/// An experiment cut into independent work: the shared roles (the teacher stage) and the
/// <see cref="WorkUnit"/>s, in the order <see cref="Experiments.ExperimentPlan"/> plans them (seeds
/// outer, sweep points inner): one per point and seed, and one per scratch baseline that several
/// points share, just before the first of them (it learns from no teacher and no point learns from
/// it, so it runs apart from them). Every unit writes only under its own folders, so units run in
/// any order, in any process, and leave the same files as the whole experiment in one process.
/// </summary>
public sealed class ShardPlan
{
    private ShardPlan(StudyPlan plan, IReadOnlyList<StudyRole> teacherRoles, IReadOnlyList<WorkUnit> units)
    {
        Plan = plan;
        TeacherRoles = teacherRoles;
        Units = units;
    }

    /// <summary>The whole experiment's plan, which the one-process run and the merge run.</summary>
    public StudyPlan Plan { get; }

    /// <summary>The roles every point needs: a teacher, an ensemble's members, a capacity sweep's teachers.</summary>
    public IReadOnlyList<StudyRole> TeacherRoles { get; }

    public IReadOnlyList<WorkUnit> Units { get; }

    public static ShardPlan Of(Experiment experiment)
    {
        var plan = Experiments.ExperimentPlan.Of(experiment);
        var index = plan.Roles.Select((r, i) => (r.Folder, i)).ToDictionary(p => p.Folder, p => p.i, StringComparer.Ordinal);
        var inPoints = plan.Points.SelectMany(p => new[] { p.Scratch, p.Distilled }.Concat(p.Others)).ToHashSet(StringComparer.Ordinal);
        var sharers = plan.Points.GroupBy(p => p.Scratch, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var units = new List<WorkUnit>();
        var taken = new HashSet<string>(StringComparer.Ordinal);
        foreach (var point in plan.Points)
        {
            if (sharers[point.Scratch] > 1 && taken.Add(point.Scratch))
                units.Add(new WorkUnit(units.Count, point.Scratch, [plan.Roles[index[point.Scratch]]]));
            var folders = new[] { point.Scratch, point.Distilled }.Concat(point.Others).Where(taken.Add).OrderBy(f => index[f]);
            units.Add(new WorkUnit(units.Count, point.Folder, folders.Select(f => plan.Roles[index[f]]).ToList()));
        }
        return new ShardPlan(plan, plan.Roles.Where(r => !inPoints.Contains(r.Folder)).ToList(), units);
    }

    /// <summary>How many units are points (the others are shared scratch baselines).</summary>
    public int PointCount => Units.Count(u => u.NeedsTeacherStage);

    /// <summary>The units shard <paramref name="shard"/> runs.</summary>
    public IReadOnlyList<WorkUnit> UnitsOf(ShardSpec shard) => Units.Where(u => shard.Owns(u.Number)).ToList();

    /// <summary>True when every trained role among <paramref name="roles"/> has its outcome.json under <paramref name="root"/>; loaded and combined teachers need none.</summary>
    public static bool Finished(string root, IEnumerable<StudyRole> roles) =>
        roles.Where(r => r.LoadFrom is null && r.Members is null)
            .All(r => File.Exists(Path.Combine(root, r.Folder, ModelRunner.OutcomeFile)));
}
