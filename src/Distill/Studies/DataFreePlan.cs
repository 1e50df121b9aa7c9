using Distill.DataFree;
using Distill.Teachers;

namespace Distill.Studies;

/// <summary>
/// Data-free distillation as a role (<see cref="DataFreeOptions"/>): the student's spec distilled from the
/// study's teacher on inputs made from the teacher alone, in the folder "data-free", with the students'
/// training options. The teacher must give gradients with respect to its input: trained here, saved by
/// Distill (also from PyTorch weights) or TorchScript; ONNX is refused.
/// </summary>
public static class DataFreePlan
{
    public const string Folder = "data-free";

    /// <summary>Refuses a data-free run that cannot work, in one sentence.</summary>
    public static void Validate(StudyOptions options)
    {
        if (options.DataFree is not { } dataFree) return;
        dataFree.Validate();
        RefuseOnnx(options.TeacherPath);
        foreach (var teacher in options.Teachers ?? []) RefuseOnnx(teacher);
        if (options.Chain is not null) throw new DistillException("Data-free distillation learns from the study's one teacher, so it cannot be combined with --chain.");
        RefuseUnused(options.StudentTraining);
    }

    /// <summary>
    /// The student's training options a data-free run does not apply (it trains on synthetic batches at a
    /// constant learning rate in float32), refused in one sentence rather than silently ignored.
    /// </summary>
    public static void RefuseUnused(Training.TrainingOptions training)
    {
        var unused = new List<string>();
        if (training.Augments) unused.Add("augmentation");
        if (training.Schedule.Kind != Training.ScheduleKind.Constant) unused.Add($"a {training.Schedule.Kind.ToString().ToLowerInvariant()} learning-rate schedule");
        if (training.Precision != Training.Precision.Float32) unused.Add("bfloat16 precision");
        if (training.GradientClipNorm > 0) unused.Add("gradient clipping");
        if (training.EarlyStoppingPatience > 0) unused.Add("early stopping");
        if (training.QuantizationAware) unused.Add("quantization-aware training");
        if (unused.Count > 0)
            throw new DistillException($"A data-free student trains on synthetic batches at a constant learning rate in float32, so its training options cannot include {string.Join(", ", unused)}; leave them out for the data-free run.");
    }

    /// <summary>An ONNX teacher, refused by its file name before anything runs.</summary>
    public static void RefuseOnnx(string? teacher)
    {
        if (teacher is not null && Path.GetExtension(teacher).Equals(".onnx", StringComparison.OrdinalIgnoreCase))
            throw new DistillException($"The teacher '{teacher}' is an ONNX model, which gives no gradients with respect to its input, so data-free distillation cannot use it; use a teacher trained or saved by Distill, or a TorchScript file.");
    }

    /// <summary>
    /// The data of a study with a data-free student and a saved Distill teacher, standardised with the teacher's
    /// own statistics (its card's) rather than statistics measured on the training rows, which the student never
    /// reads: its synthetic inputs imitate the teacher's standardised inputs, so the test set that measures it must
    /// be standardised as the teacher's were. A TorchScript teacher carries no statistics: the data's own apply.
    /// </summary>
    /// <remarks>
    /// Read for its test part alone (<see cref="StudyPlan.ReadsTestOnly"/>), a single image folder or CSV file is all
    /// test rows, except the one the saved teacher learnt from by a seeded split (its card says which and the seed):
    /// then the split's test share, the rows the teacher never saw.
    /// </remarks>
    public static Data.DataSelection Statistics(StudyOptions options, Data.DataSelection selection)
    {
        if (options.DataFree is null || Card(options.TeacherPath) is not { } card) return selection;
        if (card.DataFormat is "csv" or "images" && card.DataSeed is { } seed) selection = selection with { HeldOutFrom = (card.Dataset, seed) };
        if (card.Normalization is not { } statistics) return selection;
        RefuseOtherStandardisation(options.TeacherPath, selection.Normalize);
        return selection with { Statistics = statistics };
    }

    /// <summary>
    /// Refuses <paramref name="asked"/>, a standardisation the command states, where the saved
    /// <paramref name="teacher"/> brings its own: another would test the student on inputs its teacher
    /// never saw. Commands call it before they make a folder; <see cref="Statistics"/> checks it again.
    /// </summary>
    public static void RefuseOtherStandardisation(string? teacher, Data.InputNormalization? asked)
    {
        if (asked is { } given && CardStatistics(teacher) is not null)
            throw new DistillException(
                $"A data-free student is tested on inputs standardised as its teacher's were (the statistics in '{teacher}''s card), so --normalize {given.ToString().ToLowerInvariant()} cannot apply; leave it out.");
    }

    private static Data.ChannelNormalization? CardStatistics(string? teacher) => Card(teacher)?.Normalization;

    private static Models.ModelCard? Card(string? teacher) =>
        teacher is not null && !ImportedTeacher.IsImported(teacher) && File.Exists(teacher) ? Models.ModelStore.ReadCard(teacher) : null;

    /// <summary>The data-free student in <paramref name="parent"/> ("" or seed-2/...); none without data-free options.</summary>
    public static IReadOnlyList<StudyRole> Roles(StudyOptions options, string parent) =>
        options.DataFree is not { } dataFree
            ? []
            : [Role((parent.Length == 0 ? "" : parent + "/") + Folder, options.StudentSpec, options.StudentTraining, TeacherPlan.TeacherFolder, dataFree)];

    /// <summary>One data-free student of <paramref name="spec"/>, distilled from the role in <paramref name="teacherFolder"/>.</summary>
    public static StudyRole Role(string folder, string spec, Training.TrainingOptions training, string teacherFolder, DataFreeOptions dataFree) =>
        new(ModelRole.Distilled, folder, spec, training, TeacherFolder: teacherFolder, DataFree: dataFree,
            Title: $"Data-free student ({dataFree.Method}, {spec})");
}
