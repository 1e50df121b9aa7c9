using Distill.Methods;
using Distill.Runs;
using Distill.Teachers;
using Distill.Training;
using static TorchSharp.torch;

namespace Distill.Studies;

/// <summary>
/// Runs a study's roles in order against one data split, for <see cref="StudyPipeline"/>. A role
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
    // Every role's outcome so far, loaded or not: what later roles name as their teacher.
    private readonly Dictionary<string, ModelOutcome> _outcomes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FrozenTeacher> _teachers = new(StringComparer.Ordinal);
    // The user's own instances: theirs to dispose, never the runner's.
    private readonly HashSet<nn.Module<Tensor, Tensor>> _borrowed = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, StudyData> _reduced = new(StringComparer.Ordinal);

    public StudyRunner(StudyData data, RunFolder root, StudyObserver? observer = null, CancellationToken cancellation = default, bool resume = false)
    {
        _data = data;
        _root = root;
        _observer = observer ?? StudyObserver.None;
        _cancellation = cancellation;
        _resume = resume;
    }

    /// <summary>
    /// Keeps each teacher's training-set logits in a <see cref="LogitsCache"/> file under the run folder,
    /// for the other processes of a sharded experiment; off, they are computed in memory only.
    /// </summary>
    public bool ShareLogits { get; init; }

    /// <summary>
    /// Reads every trained role's outcome from its folder instead of training or loading it (the merge
    /// of models other processes trained): only an ensemble's members are loaded, to combine them, and
    /// a role that has not finished is refused.
    /// </summary>
    public bool ReadFinished { get; init; }

    /// <summary>Runs <paramref name="roles"/> in order; returns their outcomes in the same order.</summary>
    public IReadOnlyList<ModelOutcome> Run(IReadOnlyList<StudyRole> roles)
    {
        // Read back, a role's model is needed only where an ensemble combines it.
        var kept = roles.SelectMany(r => ReadFinished ? r.Members ?? [] : Sources(r)).ToHashSet(StringComparer.Ordinal);
        if (!ReadFinished) Preflight(roles);
        var outcomes = new List<ModelOutcome>();
        for (var i = 0; i < roles.Count; i++)
        {
            var role = roles[i];
            foreach (var from in Sources(role))
                if (!_models.ContainsKey(from) && !(ReadFinished && _outcomes.ContainsKey(from)))
                    throw new DistillException($"The study takes '{role.Folder}' from '{from}', which no earlier role produced.");
            var (model, outcome) = ReadFinished && role.LoadFrom is null && role.Members is null ? Read(role, kept.Contains(role.Folder)) : RunRole(role);
            var titled = outcome with
            {
                Role = role.Role,
                Title = role.Title,
                DistilledFrom = role.TeacherFolder is { } teacher ? _outcomes[teacher].Label : null,
            };
            outcomes.Add(titled);
            _outcomes[role.Folder] = titled;
            if (model is null) continue;
            if (role.Source is { IsInstance: true }) _borrowed.Add(model);
            if (kept.Contains(role.Folder)) _models[role.Folder] = (model, titled);
            else if (!_borrowed.Contains(model)) model.Dispose();
        }
        return outcomes;
    }

    /// <summary>A finished role's outcome, with its model when <paramref name="load"/> (an ensemble combines it).</summary>
    private (nn.Module<Tensor, Tensor>? Model, ModelOutcome Outcome) Read(StudyRole role, bool load)
    {
        var (parent, name) = Split(role.Folder);
        var runner = RunnerFor(parent);
        if (!load) return (null, runner.Finished(role.Role, name));
        var (model, outcome) = runner.Reuse(role.Role, name, role.Spec, role.Source);
        return (model, outcome);
    }

    /// <summary>The folders of the earlier roles <paramref name="role"/> is made from.</summary>
    private static IEnumerable<string> Sources(StudyRole role) =>
        (role.Members ?? []).Append(role.TeacherFolder).Append(role.Cohort?.Folder).OfType<string>();

    /// <summary>
    /// Checks every trained role's options against the data (memory for its batch size, augmentation
    /// against the image size) before the first role runs: a refusal must not come after hours spent
    /// on a teacher, nor leave a folder holding that teacher in the way of the corrected retry. A user's
    /// module has no spec to size it by, so only its augmentation is checked.
    /// </summary>
    private void Preflight(IReadOnlyList<StudyRole> roles)
    {
        var shape = _data.Train.SampleShape;
        foreach (var role in roles.Where(r => r.ExcludeClasses is { Count: > 0 })) Data.ClassList.Excluded(role.ExcludeClasses!, _data.Info.ClassNames);
        foreach (var role in roles.Where(r => r.LoadFrom is null && r.Members is null && r.Mutual is null && r.DataFree is null).DistinctBy(r => (r.Spec, r.Training.BatchSize, Augmentation: r.Training.ToString())))
        {
            Data.Augmentation.AugmentationPipeline.Check(role.Training.Transforms(), shape);
            // A pruned role's model exists already, at most the size of the model it was pruned from.
            if (role.Source is null && role.Pruned is null) Models.MemoryBudget.Check(Models.ModelSpec.Parse(role.Spec), shape, _data.Info.ClassCount, role.Training.BatchSize);
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
        if (role.Source is { IsInstance: true } given && role.TeacherFolder is null) return runner.Given(role.Role, name, given);
        if (role.Mutual is { } mutual) return runner.TrainCohort(name, mutual, role.Training);
        if (role.Cohort is { } cohort) return runner.Peer(name, role.Spec, _models[cohort.Folder].Outcome);
        if (role.DataFree is { } dataFree && role.TeacherFolder is { } from) return runner.DataFree(name, role.Spec, role.Training, dataFree, _models[from].Model);
        if (role.Pruned is { FineTune: false } asPruned) return runner.Pruned(role.Role, name, role.Spec, asPruned);
        var data = DataFor(role);
        var pruning = role.Pruned?.ToString();
        if (role.TeacherFolder is null)
            return runner.Train(role.Role, name, role.Spec, role.Training, _ => new SupervisedObjective(), pruning, role.Source, data, pruned: role.Pruned);
        var teacher = TeacherOf(role.TeacherFolder, data);
        var distillation = role.Distillation ?? throw new DistillException($"The distilled role '{role.Folder}' has no distillation options.");
        if (role.Tune is { } tune) distillation = Tuned(role, tune, distillation, teacher, runner, data);
        return runner.Train(role.Role, name, role.Spec, role.Training,
            student =>
            {
                // Computing the teacher's outputs (once per teacher, then shared) takes a while on a CPU: say so.
                _observer.Messages?.Report($"Preparing {role.TeacherFolder}'s outputs for {name}");
                return DistillationObjective.Create(student, teacher, distillation, data.Train.SampleShape, data.Info.ClassCount,
                    data.DistillationTrain.Count, role.Training.Seed, augmented: role.Training.Augments, role.Training.Transforms(), role.Training.Precision);
            },
            pruning is null ? distillation.ToString() : $"{pruning}, {distillation}", role.Source, data, data.DistillationTrain, role.Pruned);
    }

    /// <summary>
    /// The data a trained role learns from: the whole split, or without the role's excluded classes
    /// (made once per set of classes and shared by the roles that leave out the same ones).
    /// </summary>
    private StudyData DataFor(StudyRole role)
    {
        if (role.ExcludeClasses is not { Count: > 0 } names) return _data;
        var labels = Data.ClassList.Excluded(names, _data.Info.ClassNames);
        var key = string.Join(",", labels);
        if (!_reduced.TryGetValue(key, out var reduced))
        {
            _reduced[key] = reduced = _data.WithoutClasses(labels);
            _observer.Messages?.Report($"Leaving out the classes {string.Join(", ", labels.Select(l => _data.Info.ClassNames[l]))}: {reduced.Train.Count:N0} training and {reduced.Validation.Count:N0} validation rows remain for the students");
        }
        return reduced;
    }

    /// <summary>
    /// The frozen teacher (and its shared cache) of the model in <paramref name="folder"/> over the training
    /// rows of <paramref name="data"/>, made when a role first distils from it on those rows.
    /// </summary>
    private FrozenTeacher TeacherOf(string folder, StudyData data)
    {
        var key = data == _data ? folder : folder + "\n" + string.Join(",", data.ExcludedClasses);
        if (!_teachers.TryGetValue(key, out var teacher))
        {
            var (model, outcome) = _models[folder];
            // An ensemble's file names its members' specs, not their weights, so it cannot name a cache.
            var logits = model is TeacherEnsemble || !ShareLogits ? null : LogitsCache.For(_root.Path, outcome.WeightsPath, data.DistillationTrain);
            _teachers[key] = teacher = new FrozenTeacher(model, data.DistillationTrain) { LogitsFile = logits };
        }
        return teacher;
    }

    /// <summary>
    /// The options the search chooses for <paramref name="role"/>, saved as tune.json in its folder;
    /// a resumed run reads the choice back instead of searching again.
    /// </summary>
    private DistillationOptions Tuned(StudyRole role, TuneOptions tune, DistillationOptions distillation, FrozenTeacher teacher, ModelRunner runner, StudyData data)
    {
        var path = Path.Combine(_root.Subfolder(role.Folder), TuneResult.FileName);
        if (_resume && File.Exists(path)) return Json.Read<TuneResult>(path, "tuning result").Chosen;
        var result = DistillationTuner.Search(role.Training, distillation, tune,
            (candidate, training) => runner.Trial("tuning", role.Spec, training, student => DistillationObjective.Create(student, teacher, candidate,
                data.Train.SampleShape, data.Info.ClassCount, data.DistillationTrain.Count, training.Seed, augmented: training.Augments), data, data.DistillationTrain, role.Source).BestValidationAccuracy,
            _observer.Messages);
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
        foreach (var reduced in _reduced.Values) reduced.Dispose();
        _reduced.Clear();
        // Ensembles first: they only refer to their members, which are disposed after them.
        foreach (var (model, _) in _models.Values.OrderBy(m => m.Model is TeacherEnsemble ? 0 : 1).Where(m => !_borrowed.Contains(m.Model))) model.Dispose();
        _models.Clear();
        _outcomes.Clear();
        _borrowed.Clear();
    }
}
