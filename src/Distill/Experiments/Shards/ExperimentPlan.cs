using Distill.Studies;

namespace Distill.Experiments.Shards;

/// <summary>
/// An experiment cut into independent work: the shared roles (the teacher stage) and one
/// <see cref="WorkUnit"/> per point and seed, in the order <see cref="ExperimentRunner"/> plans them
/// (seeds outer, sweep points inner). Every unit writes only under its own folders, so units run in
/// any order, in any process, and leave the same files as the whole experiment in one process.
/// </summary>
public sealed class ExperimentPlan
{
    private ExperimentPlan(IReadOnlyList<StudyRole> teacherRoles, IReadOnlyList<WorkUnit> units)
    {
        TeacherRoles = teacherRoles;
        Units = units;
    }

    /// <summary>The roles every point needs: a teacher, an ensemble's members, a capacity sweep's teachers.</summary>
    public IReadOnlyList<StudyRole> TeacherRoles { get; }

    public IReadOnlyList<WorkUnit> Units { get; }

    public static ExperimentPlan Of(Experiment experiment)
    {
        var (roles, points, teacherRoles) = new ExperimentRunner(experiment).Plan();
        var units = new List<WorkUnit>();
        var taken = new HashSet<int>(Enumerable.Range(0, teacherRoles));
        foreach (var point in points)
        {
            // A scratch baseline shared by a seed's points belongs to the first point that uses it.
            var indices = new[] { point.Scratch, point.Distilled }.Concat(point.Others).Where(taken.Add).Order();
            units.Add(new WorkUnit(units.Count, point.Folder, indices.Select(i => roles[i]).ToList()));
        }
        return new ExperimentPlan(roles.Take(teacherRoles).ToList(), units);
    }

    /// <summary>The units shard <paramref name="shard"/> runs.</summary>
    public IReadOnlyList<WorkUnit> UnitsOf(ShardSpec shard) => Units.Where(u => shard.Owns(u.Number)).ToList();

    /// <summary>True when every trained role among <paramref name="roles"/> has its outcome.json under <paramref name="root"/>; loaded and combined teachers need none.</summary>
    public static bool Finished(string root, IEnumerable<StudyRole> roles) =>
        roles.Where(r => r.LoadFrom is null && r.Members is null)
            .All(r => File.Exists(Path.Combine(root, r.Folder, ModelRunner.OutcomeFile)));
}
