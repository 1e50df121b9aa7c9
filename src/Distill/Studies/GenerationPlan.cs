using Distill.Teachers;
using Distill.Training;

namespace Distill.Studies;

/// <summary>
/// Born-again networks (Furlanello, Lipton, Tschannen, Itti, Anandkumar 2018, "Born Again Neural
/// Networks") as roles: generation k has the teacher's architecture and is distilled from generation
/// k - 1, generation 0 being the study's teacher, min_theta_k L(f(x, theta_k), f(x, theta_{k-1})) with the
/// study's method (the paper's loss is KD's soft term; kd's hard term adds the labels); each trains
/// with the teacher's recipe and its own seed. With two generations or more, the born-again ensemble
/// (BANE: the generations' mean logits) is a row of its own. The scratch and distilled students run beside.
/// </summary>
public static class GenerationPlan
{
    /// <summary>The most generations a study plans: each is a full training of the teacher's architecture.</summary>
    public const int MaxGenerations = 20;

    /// <summary>Refuses generations that cannot run, in one sentence naming what is wrong.</summary>
    public static void Validate(StudyOptions options)
    {
        if (options.Generations is not { } generations) return;
        if (generations < 1 || generations > MaxGenerations)
            throw new DistillException($"Born-again networks need from 1 to {MaxGenerations} generations (--generations), not {generations}.");
        if (options.Teachers is not null || options.Chain is not null)
            throw new DistillException("Born-again generations grow from one teacher, so they cannot be combined with --teachers or --chain.");
        if (options.TeacherPath is { } path && ImportedTeacher.IsImported(path))
            throw new DistillException($"Born-again generations train the teacher's architecture, which the imported teacher '{path}' does not state; use a teacher trained or saved by Distill.");
    }

    /// <summary>
    /// Generations 1..K in <paramref name="parent"/> ("" or seed-2/...), each distilled from the one before,
    /// the first from <see cref="TeacherPlan.TeacherFolder"/>, then their ensemble; none without generations.
    /// </summary>
    public static IReadOnlyList<StudyRole> Roles(StudyOptions options, int seed, string parent)
    {
        if (options.Generations is not { } generations) return [];
        var prefix = parent.Length == 0 ? "" : parent + "/";
        var spec = TeacherSpec(options);
        var roles = new List<StudyRole>();
        var from = TeacherPlan.TeacherFolder;
        for (var k = 1; k <= generations; k++)
        {
            // A seed of its own per generation: born-again students start from fresh weights, not the teacher's start.
            var training = options.TeacherTraining with { Seed = seed + k };
            var folder = $"{prefix}generation-{k}";
            roles.Add(StudyRole.Distilled(folder, spec, training, from, options.Distillation) with { Title = $"Born-again generation {k}" });
            from = folder;
        }
        if (generations >= 2)
            roles.Add(StudyRole.Combined($"{prefix}generations", roles.Select(r => r.Folder).ToList(), EnsembleMode.Logits, 1)
                with { Role = ModelRole.Distilled, Title = $"Born-again ensemble (generations 1-{generations})" });
        return roles;
    }

    /// <summary>The teacher's architecture: its spec, or the one its saved card states.</summary>
    private static string TeacherSpec(StudyOptions options) =>
        options.TeacherPath is { } path ? Models.ModelStore.ReadCard(path).Spec : options.TeacherSpec;
}
