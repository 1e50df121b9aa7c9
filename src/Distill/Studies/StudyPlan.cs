using Distill.Data;
using Distill.Experiments;
using Distill.Runs;

namespace Distill.Studies;

/// <summary>
/// What a command asks of <see cref="StudyPipeline"/>: the data, the roles to run in order, the
/// configuration to keep as config.json, and how the roles' outcomes make the result (which role is
/// the teacher, which make each point's scratch and distilled pair). Commands and experiments only
/// build one of these; the pipeline does the rest.
/// </summary>
/// <param name="Data">The data set and how to read it; null for a plan run on data the caller loaded.</param>
/// <param name="ValidationCount">Training rows carved out for model selection (null: the <see cref="ValidationSplit"/> default).</param>
/// <param name="Seed">Seeds the validation split.</param>
/// <param name="Roles">The models, in the order they run.</param>
public sealed record StudyPlan(DataSelection? Data, int? ValidationCount, int Seed, IReadOnlyList<StudyRole> Roles)
{
    /// <summary>
    /// True when no role learns from or is chosen on real rows: data-free students beside loaded teachers. The
    /// pipeline then reads the data's test part alone (<see cref="DataSelection.TestOnly"/>), so a folder holding
    /// only the test files serves, and training files beside them are not read.
    /// </summary>
    public bool ReadsTestOnly => Roles.Any(r => r.DataFree is not null) && Roles.All(r => r.DataFree is not null || r.LoadFrom is not null);

    /// <summary>The resolved configuration saved as config.json (deploy, prune and report read it back); null saves none.</summary>
    public string? Config { get; init; }

    /// <summary>The results file in the run folder.</summary>
    public string ResultsFile { get; init; } = ExperimentResult.ResultsFileName;

    /// <summary>The report's title before "on DATASET".</summary>
    public string Name { get; init; } = "Distillation study";

    public string? Description { get; init; }

    /// <summary>The seeds the students ran with; null is <see cref="Seed"/> alone.</summary>
    public IReadOnlyList<int>? Seeds { get; init; }

    public IReadOnlyList<string> SweepKeys { get; init; } = [];

    /// <summary>
    /// How to repeat the run, kept in the results without paths (a copied run folder must not name
    /// the one it came from); the report shows the command line saved in the folder where there is one.
    /// </summary>
    public string Command { get; init; } = "distill run config.json";

    /// <summary>The role whose model is the result's teacher; a plan without it has none.</summary>
    public string TeacherFolder { get; init; } = TeacherPlan.TeacherFolder;

    /// <summary>Each seed of each point: its scratch and distilled pair; empty for a run that compares nothing (train, distill).</summary>
    public IReadOnlyList<PlannedPoint> Points { get; init; } = [];

    /// <summary>
    /// A study (compare, quickstart): the teacher (trained, loaded, or an ensemble with its members),
    /// the scratch student, the distilled student, and for a chain its assistants (after the teacher)
    /// and the student at its end, then born-again generations and mutual-learning peers; one seed, one
    /// point, in the run folder itself.
    /// </summary>
    public static StudyPlan Study(StudyOptions options)
    {
        options.Validate();
        var student = TeacherPlan.StudentSpec(options);
        var chain = TeacherPlan.ChainRoles(options, options.StudentTraining, "");
        // Assistants right after the teacher, the chain's student after the direct one, as the table reads.
        IReadOnlyList<StudyRole> roles =
        [
            .. TeacherPlan.TeacherRoles(options, options.TeacherTraining.Seed),
            .. TeacherPlan.SweepTeacherRoles(options, options.TeacherTraining.Seed),
            .. chain.SkipLast(1),
            StudyRole.Trained(ModelRole.Scratch, "scratch", student, options.StudentTraining),
            StudyRole.Distilled("distilled", student, options.StudentTraining, TeacherPlan.TeacherFolder, options.Distillation) with { Tune = options.Tune },
            .. chain.TakeLast(1),
            .. TeacherPlan.SweepStudentRoles(options, options.StudentTraining, "", options.TeacherTraining.Seed),
            .. TeacherPlan.CandidateRoles(options, options.StudentTraining, ""),
            .. GenerationPlan.Roles(options, options.TeacherTraining.Seed, ""),
            .. MutualPlan.Roles(options, options.StudentTraining, ""),
            .. DataFreePlan.Roles(options, ""),
        ];
        roles = [.. roles.Select(r => ForStudents(r, options))];
        var others = roles.Where(r => r.Folder != "distilled" && r.Role is ModelRole.Assistant or ModelRole.Distilled or ModelRole.Peer).Select(r => r.Folder).ToList();
        var seed = options.StudentTraining.Seed;
        return new StudyPlan(TeacherPlan.DataSelection(options), options.ValidationCount, seed, roles)
        {
            Config = Json.Serialize(options),
            Points = [new PlannedPoint(SweepPoint.Base, seed, "scratch", "distilled", "", others)],
        };
    }

    /// <summary>
    /// <paramref name="role"/> with the study's excluded classes when it is a student (scratch, distilled,
    /// assistant): only students learn on the reduced transfer set, teachers are unchanged.
    /// </summary>
    public static StudyRole ForStudents(StudyRole role, StudyOptions options) =>
        options.ExcludeClasses is { Count: > 0 } excluded && role.Role is not (ModelRole.Teacher or ModelRole.Member or ModelRole.SweepTeacher)
            ? role with { ExcludeClasses = excluded }
            : role;
}
