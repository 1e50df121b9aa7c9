using Distill.Methods;
using Distill.Training;

namespace Distill.Studies;

/// <summary>
/// One model of a study and how it comes to be: trained on the labels, distilled from an earlier
/// role, or loaded from a file. A study is a list of these, run in order by <see cref="StudyRunner"/>.
/// </summary>
/// <param name="Role">How the model is labelled in tables (teacher, scratch, distilled).</param>
/// <param name="Folder">The model's folder, relative to the run folder (teacher, seed-2/points/p3/distilled).</param>
/// <param name="Spec">Architecture, when trained.</param>
/// <param name="Training">Training options, when trained.</param>
/// <param name="LoadFrom">A saved model to use instead of training one.</param>
/// <param name="TeacherFolder">The <see cref="Folder"/> of the role to distil from; null trains on the labels alone.</param>
/// <param name="Distillation">The methods and weights, when distilled.</param>
/// <param name="Members">The <see cref="Folder"/>s of earlier roles this one combines into a <see cref="Teachers.TeacherEnsemble"/>.</param>
/// <param name="Ensemble">How the members are combined, and at which temperature.</param>
/// <param name="Title">The row's name in tables, where the role alone does not say it.</param>
/// <param name="Tune">When set, the temperature and weights are chosen on the validation split first (<see cref="DistillationTuner"/>).</param>
/// <param name="Source">The user's own module that makes this model (<see cref="Models.ModelSource.Module(TorchSharp.torch.nn.Module{TorchSharp.torch.Tensor, TorchSharp.torch.Tensor})"/>),
/// built in place of <see cref="Spec"/> ("module:TYPE"). An instance in a role that learns from no teacher
/// and has no <see cref="TeacherFolder"/> is used as it is: saved and evaluated, never trained.</param>
/// <param name="ExcludeClasses">Classes (names or label numbers) whose rows this trained role never sees, in training or validation; null sees all.</param>
/// <param name="Mutual">When set, the role is a deep-mutual-learning cohort whose peers train together (<see cref="MutualPlan"/>).</param>
/// <param name="Cohort">The <see cref="Folder"/> of an earlier cohort role and the index of the peer this role takes out of it.</param>
/// <param name="DataFree">When set, the role is a student distilled from <see cref="TeacherFolder"/> without data (<see cref="DataFreePlan"/>).</param>
/// <param name="Pruned">When set, the role starts from a finished model's weights, pruned (<see cref="PruningStart"/>), instead of
/// building <see cref="Spec"/>; it fine-tunes from <see cref="TeacherFolder"/> or on the labels like any trained role.</param>
public sealed record StudyRole(
    ModelRole Role,
    string Folder,
    string Spec,
    TrainingOptions Training,
    string? LoadFrom = null,
    string? TeacherFolder = null,
    DistillationOptions? Distillation = null,
    IReadOnlyList<string>? Members = null,
    (Teachers.EnsembleMode Mode, double Temperature)? Ensemble = null,
    string? Title = null,
    TuneOptions? Tune = null,
    Models.ModelSource? Source = null,
    IReadOnlyList<string>? ExcludeClasses = null,
    MutualOptions? Mutual = null,
    (string Folder, int Index)? Cohort = null,
    DataFree.DataFreeOptions? DataFree = null,
    PruningStart? Pruned = null)
{
    public static StudyRole Trained(ModelRole role, string folder, string spec, TrainingOptions training) => new(role, folder, spec, training);

    public static StudyRole Loaded(ModelRole role, string folder, string path) => new(role, folder, "", new TrainingOptions(), LoadFrom: path);

    public static StudyRole Distilled(string folder, string spec, TrainingOptions training, string teacherFolder, DistillationOptions distillation) =>
        new(ModelRole.Distilled, folder, spec, training, TeacherFolder: teacherFolder, Distillation: distillation);

    /// <summary>The teachers in <paramref name="members"/> (folders of earlier roles) combined into one, evaluated as a model of its own.</summary>
    public static StudyRole Combined(string folder, IReadOnlyList<string> members, Teachers.EnsembleMode mode, double temperature) =>
        new(ModelRole.Teacher, folder, "", new TrainingOptions(), Members: members, Ensemble: (mode, temperature),
            Title: $"Teacher ensemble ({mode.ToString().ToLowerInvariant()}, {members.Count} teachers)");
}
