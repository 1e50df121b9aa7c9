using Distill.Training;

namespace Distill.Studies;

/// <summary>
/// Deep mutual learning (Zhang, Xiang, Hospedales, Lu 2018, "Deep Mutual Learning") as roles: the
/// cohort (<see cref="MutualCohort"/>), whose peers train together from scratch, each on
/// L_i = CE(y, z_i) + 1/(K - 1) * sum over j != i of KL(p_j || p_i), no pretrained teacher involved;
/// then each peer as a row of its own, taken out of the cohort. The peers train with the students'
/// options, peer i from seed + i - 1, so peer 1 of the student's spec starts where the scratch student
/// does. The scratch and distilled students run beside.
/// </summary>
public static class MutualPlan
{
    public const string CohortFolder = "mutual";

    /// <summary>Refuses a cohort that cannot train, in one sentence naming what is wrong.</summary>
    public static void Validate(StudyOptions options)
    {
        if (options.Mutual is not { } mutual) return;
        mutual.Validate();
        if (options.StudentTraining.FreezeLayers > 0)
            throw new DistillException("Deep mutual learning trains its peers from scratch, so it cannot freeze layers; set the students' freeze-layers to 0.");
    }

    /// <summary>The cohort and its peers in <paramref name="parent"/> ("" or seed-2/...); none without mutual learning.</summary>
    public static IReadOnlyList<StudyRole> Roles(StudyOptions options, TrainingOptions training, string parent)
    {
        if (options.Mutual is not { } mutual) return [];
        var cohort = (parent.Length == 0 ? "" : parent + "/") + CohortFolder;
        var peers = mutual.Peers;
        return
        [
            new StudyRole(ModelRole.Peer, cohort, "", training, Mutual: mutual, Title: $"Mutual-learning cohort (mean of {peers.Count} peers)"),
            .. peers.Select((spec, i) => new StudyRole(ModelRole.Peer, $"{cohort}/peer-{i + 1}", spec, training, Cohort: (cohort, i),
                Title: $"Mutual-learning peer {i + 1} of {peers.Count} ({spec})")),
        ];
    }
}
