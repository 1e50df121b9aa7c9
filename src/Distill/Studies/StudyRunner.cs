using Distill.Methods;
using Distill.Runs;
using Distill.Teachers;
using Distill.Training;
using static TorchSharp.torch;

namespace Distill.Studies;

/// <summary>
/// The one path every command takes: runs a study's roles in order against one data split. A role
/// that later roles distil from (or combine into an ensemble) stays in memory, as a
/// <see cref="FrozenTeacher"/> once distilled from, whose cache of outputs every student that sees
/// un-augmented inputs shares; every other model is released as
/// soon as it is evaluated. Each folder's metrics.jsonl gets the epochs of the models under it.
/// </summary>
public sealed class StudyRunner : IDisposable
{
    private readonly StudyData _data;
    private readonly RunFolder _root;
    private readonly StudyObserver _observer;
    private readonly CancellationToken _cancellation;
    private readonly bool _resume;
    private readonly Dictionary<string, ModelRunner> _runners = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (nn.Module<Tensor, Tensor> Model, ModelOutcome Outcome)> _models = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FrozenTeacher> _teachers = new(StringComparer.Ordinal);

    public StudyRunner(StudyData data, RunFolder root, StudyObserver? observer = null, CancellationToken cancellation = default, bool resume = false)
    {
        _data = data;
        _root = root;
        _observer = observer ?? StudyObserver.None;
        _cancellation = cancellation;
        _resume = resume;
    }

    /// <summary>Runs <paramref name="roles"/> in order; returns their outcomes in the same order.</summary>
    public IReadOnlyList<ModelOutcome> Run(IReadOnlyList<StudyRole> roles)
    {
        var kept = roles.SelectMany(r => (r.Members ?? []).Append(r.TeacherFolder)).OfType<string>().ToHashSet(StringComparer.Ordinal);
        Preflight(roles);
        var outcomes = new List<ModelOutcome>();
        for (var i = 0; i < roles.Count; i++)
        {
            var role = roles[i];
            foreach (var from in (role.Members ?? []).Append(role.TeacherFolder).OfType<string>())
                if (!_models.ContainsKey(from))
                    throw new DistillException($"The study takes '{role.Folder}' from '{from}', which no earlier role produced.");
            var (model, outcome) = RunRole(role);
            var titled = outcome with
            {
                Role = role.Role,
                Title = role.Title,
                DistilledFrom = role.TeacherFolder is { } teacher ? _models[teacher].Outcome.Label : null,
            };
            outcomes.Add(titled);
            if (kept.Contains(role.Folder)) _models[role.Folder] = (model, titled);
            else model.Dispose();
        }
        return outcomes;
    }

    /// <summary>
    /// Checks every trained role's options against the data (memory for its batch size, augmentation
    /// against the image size) before the first role runs: a refusal must not come after hours spent
    /// on a teacher, nor leave a folder holding that teacher in the way of the corrected retry.
    /// </summary>
    private void Preflight(IReadOnlyList<StudyRole> roles)
    {
        var shape = _data.Train.SampleShape;
        foreach (var role in roles.Where(r => r.LoadFrom is null && r.Members is null).DistinctBy(r => (r.Spec, r.Training.BatchSize, Augmentation: r.Training.ToString())))
        {
            Data.Augmentation.AugmentationPipeline.Check(role.Training.Transforms(), shape);
            Models.MemoryBudget.Check(Models.ModelSpec.Parse(role.Spec), shape, _data.Info.ClassCount, role.Training.BatchSize);
        }
    }

    private (nn.Module<Tensor, Tensor> Model, ModelOutcome Outcome) RunRole(StudyRole role)
    {
        var (parent, name) = Split(role.Folder);
        var runner = RunnerFor(parent);
        if (role.LoadFrom is not null) return runner.LoadTeacher(role.LoadFrom, name);
        if (role.Members is { } members)
        {
            var (mode, temperature) = role.Ensemble ?? (EnsembleMode.Logits, 1.0);
            return runner.Ensemble(name, members.Select(m => _models[m]).ToList(), mode, temperature);
        }
        if (role.TeacherFolder is null)
            return runner.Train(role.Role, name, role.Spec, role.Training, _ => new SupervisedObjective());
        var teacher = TeacherOf(role.TeacherFolder);
        var distillation = role.Distillation ?? throw new DistillException($"The distilled role '{role.Folder}' has no distillation options.");
        if (role.Tune is { } tune) distillation = Tuned(role, tune, distillation, teacher, runner);
        return runner.Train(role.Role, name, role.Spec, role.Training,
            student =>
            {
                // Computing the teacher's outputs (once per teacher, then shared) takes a while on a CPU: say so.
                _observer.Messages?.Report($"Preparing {role.TeacherFolder}'s outputs for {name}");
                return DistillationObjective.Create(student, teacher, distillation, _data.Train.SampleShape, _data.Info.ClassCount,
                    _data.Train.Count, role.Training.Seed, augmented: role.Training.Augments, role.Training.Transforms());
            },
            distillation.ToString());
    }

    /// <summary>The frozen teacher (and its shared cache) of the model in <paramref name="folder"/>, made when a role first distils from it.</summary>
    private FrozenTeacher TeacherOf(string folder)
    {
        if (!_teachers.TryGetValue(folder, out var teacher))
            _teachers[folder] = teacher = new FrozenTeacher(_models[folder].Model, _data.Train);
        return teacher;
    }

    /// <summary>
    /// The options the search chooses for <paramref name="role"/>, saved as tune.json in its folder;
    /// a resumed run reads the choice back instead of searching again.
    /// </summary>
    private DistillationOptions Tuned(StudyRole role, TuneOptions tune, DistillationOptions distillation, FrozenTeacher teacher, ModelRunner runner)
    {
        var path = Path.Combine(_root.Subfolder(role.Folder), TuneResult.FileName);
        if (_resume && File.Exists(path)) return Json.Read<TuneResult>(path, "tuning result").Chosen;
        var result = DistillationTuner.Search(role.Spec, role.Training, distillation, tune, teacher, _data.Train, _data.Validation,
            _data.Info.ClassCount, _observer.Messages, _cancellation);
        AtomicFile.WriteAllText(path, Json.Serialize(result));
        return result.Chosen;
    }

    private ModelRunner RunnerFor(string parent)
    {
        if (!_runners.TryGetValue(parent, out var runner))
        {
            var folder = parent.Length == 0 ? _root : _root.Child(parent);
            _runners[parent] = runner = new ModelRunner(_data, folder, _observer, _cancellation, _resume);
        }
        return runner;
    }

    private static (string Parent, string Name) Split(string folder)
    {
        var slash = folder.LastIndexOf('/');
        return slash < 0 ? ("", folder) : (folder[..slash], folder[(slash + 1)..]);
    }

    public void Dispose()
    {
        foreach (var teacher in _teachers.Values) teacher.Dispose();
        _teachers.Clear();
        // Ensembles first: they only refer to their members, which are disposed after them.
        foreach (var (model, _) in _models.Values.OrderBy(m => m.Model is TeacherEnsemble ? 0 : 1)) model.Dispose();
        _models.Clear();
    }
}
