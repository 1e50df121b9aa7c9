using Distill.Runs;
using Distill.Studies;

namespace Distill.Deployment;

/// <summary>
/// The fine-tunes of <c>prune</c> and <c>deploy</c> as roles of the one study pipeline (<see cref="StudyPipeline"/>):
/// the run's teacher loaded (when the pruned models learn from it), then one <see cref="ModelRole.Pruned"/> role
/// per pruned model (<see cref="PruningStart"/>), trained with the run's student training options and method.
/// The output folder (prune/, deploy/) has the layout of every run folder: config.json, a folder per model with
/// its checkpoints, card (best.json), test predictions and outcome.json, metrics.jsonl, results.json and
/// report.html; resumed, finished models are reused and an interrupted fine-tune continues from its last whole epoch.
/// </summary>
public static class EdgeFineTune
{
    /// <summary>The teacher's folder in the output folder (its test predictions; the weights stay where the run has them).</summary>
    public const string TeacherFolder = "teacher";

    /// <summary>
    /// The plan: the teacher when the pruned models distil from it, then <paramref name="models"/> in order.
    /// <paramref name="settings"/> (the command's options) become config.json, which a resumed run must match.
    /// </summary>
    public static StudyPlan Plan(EdgeRun run, EdgeOptions options, IReadOnlyList<(string Name, PruningStart Start)> models, string command, object settings)
    {
        var student = run.Config.StudentTraining ?? throw new DistillException($"'{run.Folder}' has no student training options in its config.json.");
        var fineTunes = options.FineTuneEpochs > 0;
        var fromTeacher = fineTunes && options.FineTune == FineTuneSource.Teacher;
        // The student's own options for the fine-tune's epochs, every epoch a candidate for the best one; the
        // model starts from the pruned weights, not from the student's pretrained ones (--weights).
        var training = student with
        {
            Epochs = Math.Max(1, options.FineTuneEpochs),
            EarlyStoppingPatience = 0,
            QuantizationAware = student.QuantizationAware || options.QuantizationAware,
            Weights = null,
            NewHead = false,
        };
        var studentSpec = Models.ModelStore.ReadCard(run.StudentPath).Spec;
        List<StudyRole> roles = fromTeacher ? [StudyRole.Loaded(ModelRole.Teacher, TeacherFolder, run.TeacherPath)] : [];
        foreach (var (name, start) in models)
        {
            var spec = start.ChannelFraction is { } fraction ? Pruning.ChannelPruning.Narrowed(studentSpec, fraction) : studentSpec;
            roles.Add(new StudyRole(ModelRole.Pruned, name, spec, training, TeacherFolder: fromTeacher ? TeacherFolder : null,
                Distillation: fromTeacher ? run.Config.Distillation : null, Title: $"Pruned student ({name})", Pruned: start with { FineTune = fineTunes }));
        }
        return new StudyPlan(null, run.Config.ValidationCount, student.Seed, roles)
        {
            Config = Json.Serialize(settings),
            Name = $"Pruned students ({command})",
            Description = $"The student of {run.Folder}, pruned, then fine-tuned for {options.FineTuneEpochs} epoch(s) {options.FineTuneDescription}.",
            Command = $"distill {command} RUN_DIR",
            TeacherFolder = TeacherFolder,
        };
    }

    /// <summary>
    /// Runs <see cref="Plan"/> into <paramref name="output"/> on the run's own data split and returns the
    /// pruned models' outcomes, in the order of <paramref name="models"/>; their weights are each role's best.bin.
    /// </summary>
    public static IReadOnlyList<ModelOutcome> Run(EdgeRun run, RunFolder output, EdgeOptions options, IReadOnlyList<(string Name, PruningStart Start)> models,
        string command, object settings, StudyObserver? observer = null, bool resume = false, CancellationToken cancellation = default)
    {
        if (models.Count == 0) return [];
        var plan = Plan(run, options, models, command, settings);
        var result = new StudyPipeline(observer, cancellation, resume).Run(plan, run.Data, output);
        // Every role but the teacher is a pruned model, and the result keeps them unpaired in the plan's order.
        return result.Unpaired;
    }
}
