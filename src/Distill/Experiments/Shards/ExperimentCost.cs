using Distill.Studies;

namespace Distill.Experiments.Shards;

/// <summary>
/// An estimate of an experiment's CPU time before it runs, from <see cref="CostProbe"/>: per trained
/// role, epochs times (training batches times a step, plus validation batches times a forward pass);
/// a distilled role adds the teacher's forward pass per batch when its inputs are augmented (the
/// teacher then runs live), and the teacher stage adds one pass of each teacher over the training set
/// for its logits; a mutual-learning cohort costs its peers' steps. Evaluation on the test set, reports
/// and data loading are left out.
/// </summary>
public sealed record ExperimentCost(double TeacherStageSeconds, IReadOnlyList<(WorkUnit Unit, double Seconds)> Units)
{
    public static ExperimentCost Estimate(ShardPlan plan, long[] sampleShape, int classCount, long trainCount, long validationCount)
    {
        var probes = new Dictionary<(string, int), (double Step, double Forward)>();
        (double Step, double Forward) Probe(string spec, int batch) =>
            probes.TryGetValue((spec, batch), out var probe) ? probe : probes[(spec, batch)] = CostProbe.Measure(spec, sampleShape, classCount, batch);
        // A distilled role's teacher is a role of the teacher stage or an assistant before it in its unit.
        var specs = plan.TeacherRoles.Concat(plan.Units.SelectMany(u => u.Roles)).Where(Trained).ToDictionary(r => r.Folder, r => r.Spec, StringComparer.Ordinal);
        double Role(StudyRole role)
        {
            if (!Trained(role)) return 0;
            var batch = role.Training.BatchSize;
            // A mutual-learning cohort trains its peers side by side: each peer's step and validation every epoch.
            if (role.Mutual is { } mutual)
                return role.Training.Epochs * mutual.Peers.Sum(peer =>
                    Batches(trainCount, batch) * Probe(peer, batch).Step + Batches(validationCount, batch) * Probe(peer, batch).Forward);
            var (step, forward) = Probe(role.Spec, batch);
            var perEpoch = Batches(trainCount, batch) * step + Batches(validationCount, batch) * forward;
            if (role.TeacherFolder is { } teacher && role.Training.Augments && specs.TryGetValue(teacher, out var teacherSpec))
                perEpoch += Batches(trainCount, batch) * Probe(teacherSpec, batch).Forward;
            return role.Training.Epochs * perEpoch;
        }
        var logits = plan.TeacherRoles.Where(Trained).Sum(r => Batches(trainCount, r.Training.BatchSize) * Probe(r.Spec, r.Training.BatchSize).Forward);
        var teacherStage = plan.TeacherRoles.Sum(Role) + logits;
        var units = plan.Units.Select(u => (u, u.Roles.Sum(Role))).ToList();
        return new ExperimentCost(teacherStage, units);
    }

    /// <summary>The estimate of the units <paramref name="shard"/> owns, the teacher stage left out.</summary>
    public double ShardSeconds(ShardSpec shard) => Units.Where(u => shard.Owns(u.Unit.Number)).Sum(u => u.Seconds);

    // A loaded model, an ensemble, a peer read from its cohort's run and a module handed over train nothing of their own here.
    private static bool Trained(StudyRole role) =>
        role.LoadFrom is null && role.Members is null && role.Cohort is null && (role.Mutual is not null || role.Spec.Length > 0);

    private static long Batches(long rows, int batch) => (rows + batch - 1) / batch;
}
