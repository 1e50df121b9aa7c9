using Distill.Export;
using Distill.Methods;
using Distill.Models;
using Distill.Teachers;
using Distill.Training;

namespace Distill.Studies;

/// <summary>
/// Turns the teacher side of <see cref="StudyOptions"/> into roles: one teacher (trained or loaded),
/// an ensemble of several (<see cref="StudyOptions.Teachers"/>), or the head of a teacher-assistant
/// chain (<see cref="StudyOptions.Chain"/>) with its assistants and final student. Students always
/// distil from the folder <see cref="TeacherFolder"/>, whatever stands behind it.
/// </summary>
public static class TeacherPlan
{
    public const string TeacherFolder = "teacher";

    /// <summary>The student of the study: the chain's last model, or the student spec.</summary>
    public static string StudentSpec(StudyOptions options) => options.Chain is { Count: > 0 } chain ? chain[^1] : options.StudentSpec;

    /// <summary>Refuses a plan that cannot run, in one sentence naming what is wrong.</summary>
    public static void Validate(StudyOptions options)
    {
        if (options.Teachers is { } teachers)
        {
            if (teachers.Count < 2)
                throw new DistillException($"An ensemble needs at least 2 teachers, not {teachers.Count}; for one teacher use --teacher or --teacher-spec.");
            if (options.Chain is not null) throw new DistillException("An ensemble of teachers and a teacher-assistant chain cannot be combined in one run; give --teachers or --chain.");
            if (options.TeacherPath is not null) throw new DistillException("Give either one teacher (--teacher) or an ensemble (--teachers), not both.");
            foreach (var teacher in teachers) CheckModel(teacher, "teacher");
            if (options.Distillation.Methods().FirstOrDefault(m => m.ReadsLayers) is { } feature)
                throw new DistillException($"The method '{feature.Name}' reads teacher layers, which an ensemble does not have; use a logit method (kd, dkd, ls) with --teachers.");
        }
        if (options.Chain is { } chain)
        {
            if (chain.Count < 2)
                throw new DistillException($"A chain needs at least a teacher and a student, not only '{string.Join(",", chain)}'; e.g. --chain plaincnn:10,plaincnn:4,plaincnn:2.");
            if (options.TeacherPath is not null) throw new DistillException("A chain names its own teacher first; leave out --teacher or put it first in --chain.");
            CheckModel(chain[0], "teacher");
            foreach (var spec in chain.Skip(1)) ModelSpec.Parse(spec);
            if (options.ChainMethods is { } methods)
            {
                if (methods.Count != chain.Count - 1)
                    throw new DistillException($"A chain of {chain.Count} models has {chain.Count - 1} steps, but {methods.Count} chain methods were given.");
                foreach (var method in methods) MethodRegistry.Parse(method);
            }
        }
        else if (options.ChainMethods is not null) throw new DistillException("Chain methods need a chain (--chain).");
        if (options.AssistantCandidates is { } candidates)
        {
            if (options.Chain is null) throw new DistillException("Assistant candidates need a chain (--chain TEACHER,STUDENT) whose teacher and student they sit between.");
            if (candidates.Count == 0) throw new DistillException("Assistant candidates need at least one model spec.");
            foreach (var spec in candidates) ModelSpec.Parse(spec);
        }
        if (options.TeacherSweep is { } sweep)
        {
            if (sweep.Count == 0) throw new DistillException("A teacher sweep needs at least one teacher besides the study's own.");
            foreach (var teacher in sweep) CheckModel(teacher, "teacher");
        }
        if (options.EarlyStopEpochs is { } epochs)
        {
            if (epochs.Count == 0 || epochs.Any(e => e < 1 || e >= options.TeacherTraining.Epochs))
                throw new DistillException(
                    $"Early-stopped teachers need epochs from 1 to {options.TeacherTraining.Epochs - 1} (below the teacher's {options.TeacherTraining.Epochs}), not [{string.Join(", ", epochs)}].");
            if (epochs.Distinct().Count() != epochs.Count) throw new DistillException("The early-stop epochs list an epoch twice.");
            if (!TrainedTeachers(options).Any()) throw new DistillException("Early-stopped teachers need a teacher trained in this run, not only saved ones.");
        }
    }

    /// <summary>
    /// The extra teachers of a capacity sweep (sweep/teacher-1, ...) and the early-stopped versions of
    /// every teacher trained here (sweep/teacher-1-e2, sweep/teacher-e2 for the study's own); none without a sweep.
    /// </summary>
    public static IReadOnlyList<StudyRole> SweepTeacherRoles(StudyOptions options, int seed)
    {
        var training = options.TeacherTraining with { Seed = seed };
        var roles = (options.TeacherSweep ?? []).Select((item, i) =>
            Model(ModelRole.SweepTeacher, $"sweep/teacher-{i + 1}", item, training) with { Title = $"Teacher {Name(item)}" }).ToList();
        foreach (var epochs in options.EarlyStopEpochs ?? [])
        foreach (var (folder, spec) in TrainedTeachers(options))
            roles.Add(StudyRole.Trained(ModelRole.SweepTeacher, $"sweep/{folder}-e{epochs}", spec, training with { Epochs = epochs })
                with { Title = $"Teacher {spec} stopped at epoch {epochs}" });
        return roles;
    }

    /// <summary>One student per sweep teacher, in <paramref name="parent"/>/sweep/, distilled with the study's method.</summary>
    public static IReadOnlyList<StudyRole> SweepStudentRoles(StudyOptions options, TrainingOptions training, string parent, int seed)
    {
        var prefix = parent.Length == 0 ? "" : parent + "/";
        var student = StudentSpec(options);
        return SweepTeacherRoles(options, seed).Select(teacher =>
            StudyRole.Distilled($"{prefix}sweep/student-{teacher.Folder["sweep/teacher-".Length..]}", student, training, teacher.Folder, options.Distillation)
                with { Title = $"Student from {teacher.Title!["Teacher ".Length..]}" }).ToList();
    }

    /// <summary>
    /// For each assistant candidate, the assistant distilled from the teacher and the student distilled
    /// from it, in <paramref name="parent"/>/candidates/ (with the chain's first-step and last-step methods).
    /// </summary>
    public static IReadOnlyList<StudyRole> CandidateRoles(StudyOptions options, TrainingOptions training, string parent)
    {
        if (options.AssistantCandidates is not { } candidates || options.Chain is not { Count: > 1 }) return [];
        var prefix = parent.Length == 0 ? "" : parent + "/";
        var first = options.ChainMethods is { } methods ? options.Distillation with { Method = methods[0] } : options.Distillation;
        var last = options.ChainMethods is { } all ? options.Distillation with { Method = all[^1] } : options.Distillation;
        return candidates.SelectMany((spec, i) => new[]
        {
            StudyRole.Distilled($"{prefix}candidates/assistant-{i + 1}", spec, training, TeacherFolder, first)
                with { Role = ModelRole.Assistant, Title = $"{CandidateTitle} {spec}" },
            StudyRole.Distilled($"{prefix}candidates/student-{i + 1}", StudentSpec(options), training, $"{prefix}candidates/assistant-{i + 1}", last)
                with { Title = $"Student (via candidate {spec})" },
        }).ToList();
    }

    /// <summary>How an assistant candidate's row begins; its students name it as the model they learnt from.</summary>
    public const string CandidateTitle = "Assistant candidate";

    /// <summary>Teachers trained in this run that early stopping applies to, as (folder name, spec).</summary>
    private static IEnumerable<(string Folder, string Spec)> TrainedTeachers(StudyOptions options)
    {
        if (options.Teachers is null && options.Chain is null && options.TeacherPath is null) yield return (TeacherFolder, options.TeacherSpec);
        if (options.Chain is { Count: > 0 } chain && !IsSaved(chain[0])) yield return (TeacherFolder, chain[0]);
        foreach (var (item, i) in (options.TeacherSweep ?? []).Select((item, i) => (item, i)))
            if (!IsSaved(item)) yield return ($"teacher-{i + 1}", item);
    }

    private static string Name(string item) => IsSaved(item) ? Path.GetFileName(Path.TrimEndingDirectorySeparator(item)) : item;

    /// <summary>
    /// The roles that make the teacher in <see cref="TeacherFolder"/>: the trained or loaded teacher,
    /// or the ensemble's members (teacher-1, teacher-2...) and the ensemble itself; <paramref name="seed"/>
    /// seeds the ones trained here.
    /// </summary>
    public static IReadOnlyList<StudyRole> TeacherRoles(StudyOptions options, int seed)
    {
        var training = options.TeacherTraining with { Seed = seed };
        if (options.Teachers is { Count: > 0 } teachers)
        {
            var members = teachers.Select((item, i) => Model(ModelRole.Member, $"{TeacherFolder}-{i + 1}", item, training with { Seed = seed + i })
                with { Title = $"Teacher {i + 1} of {teachers.Count}" }).ToList();
            return [.. members, StudyRole.Combined(TeacherFolder, members.Select(m => m.Folder).ToList(), options.Ensemble, options.Distillation.Temperature)];
        }
        if (options.Chain is { Count: > 0 } chain) return [Model(ModelRole.Teacher, TeacherFolder, chain[0], training)];
        return
        [
            options.TeacherPath is null
                ? StudyRole.Trained(ModelRole.Teacher, TeacherFolder, options.TeacherSpec, training)
                : StudyRole.Loaded(ModelRole.Teacher, TeacherFolder, options.TeacherPath),
        ];
    }

    /// <summary>
    /// A chain's assistants and its final student, in <paramref name="parent"/> ("" or seed-2/...),
    /// each distilled from the model before it, starting at <see cref="TeacherFolder"/>; none without a chain.
    /// </summary>
    public static IReadOnlyList<StudyRole> ChainRoles(StudyOptions options, TrainingOptions training, string parent)
    {
        if (options.Chain is not { Count: > 1 } chain) return [];
        var prefix = parent.Length == 0 ? "" : parent + "/";
        var roles = new List<StudyRole>();
        var from = TeacherFolder;
        for (var step = 1; step < chain.Count; step++)
        {
            var distillation = options.ChainMethods is { } methods ? options.Distillation with { Method = methods[step - 1] } : options.Distillation;
            var last = step == chain.Count - 1;
            var folder = last ? $"{prefix}chain" : $"{prefix}assistant-{step}";
            var role = StudyRole.Distilled(folder, chain[step], training, from, distillation) with
            {
                Role = last ? ModelRole.Distilled : ModelRole.Assistant,
                Title = last
                    ? $"Student (via {string.Join(" > ", chain.Skip(1).SkipLast(1))})"
                    : $"Assistant {step} ({chain[step]})",
            };
            roles.Add(role);
            from = folder;
        }
        return roles;
    }

    /// <summary>The weights files of the saved teachers an ensemble or a chain names, for the cheap checks before a run.</summary>
    public static IEnumerable<string> SavedTeachers(StudyOptions options) =>
        (options.Teachers ?? []).Concat((options.Chain ?? []).Take(1)).Concat(options.TeacherSweep ?? []).Where(IsSaved).Select(ResolveSaved);

    /// <summary>
    /// The study's data, read in the column order of its first saved Distill teacher with recorded
    /// columns, so a table holding the teacher's columns in another order feeds it the right values
    /// (the students then learn that order too); other saved teachers are checked against it on loading.
    /// </summary>
    /// <param name="selection">The data as the command states it; default: the options' own.</param>
    public static Data.DataSelection DataSelection(StudyOptions options, Data.DataSelection? selection = null)
    {
        selection ??= options.ToDataSelection();
        selection = DataFreePlan.Statistics(options, selection);
        var saved = new[] { options.TeacherPath }.OfType<string>().Concat(SavedTeachers(options))
            .Where(path => !ImportedTeacher.IsImported(path) && File.Exists(path));
        foreach (var path in saved)
            if (ModelStore.ReadCard(path).Columns is { } columns)
                return selection with { ModelColumns = new Data.ModelColumns("teacher", path, columns) };
        return selection;
    }

    /// <summary>True when <paramref name="item"/> names a saved model rather than a spec to train.</summary>
    public static bool IsSaved(string item) =>
        File.Exists(item) || Directory.Exists(item) || ImportedTeacher.IsImported(item) || item.EndsWith(".bin", StringComparison.OrdinalIgnoreCase);

    /// <summary>The weights file a saved item names: a file as it is; in a run folder, its teacher, else its one model.</summary>
    public static string ResolveSaved(string item)
    {
        if (!Directory.Exists(item)) return item;
        var teacher = Path.Combine(item, TeacherFolder, "best.bin");
        return File.Exists(teacher) ? teacher : ModelLocator.Resolve(item);
    }

    /// <summary>
    /// Splits a comma-separated list of models, keeping a spec's own options with it:
    /// "mlp:800-800,dropout=0.5,plaincnn:4" is two models, since "dropout=0.5" is no model.
    /// </summary>
    public static IReadOnlyList<string> SplitList(string text)
    {
        var items = new List<string>();
        foreach (var piece in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (items.Count > 0 && piece.Contains('=') && !piece.Contains(':') && !piece.Contains('/')) items[^1] += "," + piece;
            else items.Add(piece);
        }
        return items;
    }

    /// <summary>A comma-separated list of epoch counts, refused in one sentence when one is not a whole number.</summary>
    public static IReadOnlyList<int> ParseEpochs(string text) =>
        text.Split(',', StringSplitOptions.TrimEntries).Select(item =>
            int.TryParse(item, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var epochs)
                ? epochs
                : throw new DistillException($"'{item}' in the early-stop epochs is not a whole number of epochs.")).ToList();

    private static StudyRole Model(ModelRole role, string folder, string item, TrainingOptions training) =>
        IsSaved(item) ? StudyRole.Loaded(role, folder, ResolveSaved(item)) : StudyRole.Trained(role, folder, item, training);

    private static void CheckModel(string item, string noun)
    {
        if (!IsSaved(item))
        {
            ModelSpec.Parse(item);
            return;
        }
        if (!File.Exists(item) && !Directory.Exists(item)) throw new DistillException($"The {noun} file '{item}' does not exist.");
        if (!File.Exists(ResolveSaved(item))) throw new DistillException($"The {noun} '{item}' names no weights file.");
    }
}
