using System.Diagnostics;
using Distill.Data;
using Distill.Evaluation;
using Distill.Models;
using Distill.Pruning;
using Distill.Reports;
using Distill.Runs;
using Distill.Teachers;
using Distill.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distill.Studies;

/// <summary>
/// Trains, loads and evaluates the models of a run against one <see cref="StudyData"/>, writing
/// checkpoints into a subfolder per model and every finished epoch into metrics.jsonl. When
/// resuming, a model whose outcome.json exists is reloaded instead of trained, and an interrupted
/// one continues from its training state; metrics.jsonl is rebuilt from both, in the same order.
/// </summary>
public sealed partial class ModelRunner
{
    private readonly StudyData _data;
    private readonly RunFolder _folder;
    private readonly StudyObserver _observer;
    private readonly CancellationToken _cancellation;
    private readonly MetricsLog _metrics;
    private readonly bool _resume;

    public const string OutcomeFile = "outcome.json";

    public ModelRunner(StudyData data, RunFolder folder, StudyObserver? observer = null, CancellationToken cancellation = default, bool resume = false)
    {
        _resume = resume;
        _data = data;
        _folder = folder;
        _observer = observer ?? StudyObserver.None;
        _cancellation = cancellation;
        _metrics = new MetricsLog(folder.File("metrics.jsonl"));
    }

    /// <summary>
    /// Builds <paramref name="spec"/> from the seed (so two students of one spec start from the
    /// same weights), trains it with the objective, and evaluates the best and last epochs on test.
    /// </summary>
    /// <param name="name">The model's subfolder and its name in metrics and progress.</param>
    /// <param name="objectiveFor">The objective for the freshly built model (distillation methods probe its layers).</param>
    /// <param name="source">The user's module to train instead of building <paramref name="spec"/> ("module:TYPE").</param>
    /// <param name="trainingData">The training and validation parts the model learns on, when not the whole split (classes left out).</param>
    /// <param name="train">The rows to train on; null: the labeled training rows of <paramref name="trainingData"/> (a distilled student adds the transfer set's).</param>
    /// <param name="pruned">Start from a finished model's weights, pruned, instead of building <paramref name="spec"/> (a fine-tune of prune or deploy).</param>
    public (nn.Module<Tensor, Tensor> Model, ModelOutcome Outcome) Train(
        ModelRole role, string name, string spec, TrainingOptions training, Func<nn.Module<Tensor, Tensor>, ITrainingObjective> objectiveFor,
        string? extraHyperparameters = null, ModelSource? source = null, StudyData? trainingData = null, LabeledDataset? train = null, PruningStart? pruned = null)
    {
        // A student trained without some classes (StudyData.WithoutClasses) learns and selects its epoch on its own parts, and is tested on the whole test set.
        var data = trainingData ?? _data;
        var checkpoints = _folder.Subfolder(name);
        var outcomePath = Path.Combine(checkpoints, OutcomeFile);
        if (_resume && File.Exists(outcomePath)) return Reload(role, name, spec, checkpoints, outcomePath, source);
        _observer.Messages?.Report($"{(pruned is null ? "Training" : "Fine-tuning")} {name}: {spec}, {training}");
        if (source is null && pruned is null) MemoryBudget.Check(ModelSpec.Parse(spec), _data.Train.SampleShape, _data.Info.ClassCount, training.BatchSize);
        PruningMasks? masks = null;
        var (model, loaded) = pruned is null ? Start(spec, training, source) : (StartPruned(name, spec, pruned, training.QuantizationAware, out masks), (string?)null);
        if (loaded is not null) _observer.Messages?.Report(loaded);
        var card = Card(model, spec, name, source) with
        {
            ExcludedClasses = data.ExcludedClasses.Count == 0 ? null : [.. data.ExcludedClasses.Select(c => _data.Info.ClassNames[c])],
            InitialWeights = training.Weights is null ? null : Path.GetFullPath(training.Weights),
        };
        var clock = Stopwatch.StartNew();
        ITrainingObjective? objective = null;
        try
        {
            return FinishRole(model, source, checkpoints, () =>
            {
                objective = objectiveFor(model);
                var methodParameters = objective.Companion?.parameters().Sum(p => p.numel()) ?? 0;
                if (objective is DistillationObjective distillation)
                {
                    _observer.Messages?.Report($"Distilling {name}: {distillation.Describe()}");
                    if (distillation.StudentLayers.Count > 0) extraHyperparameters += ", layers " + distillation.LayerPairs;
                }
                // Pruned weights stay zero through the fine-tune: the masks are applied again after every step.
                if (masks is not null) objective = new MaskedObjective(objective, masks);
                var trainer = new Trainer(training, new ForwardingProgress(_observer.Training, _metrics), _cancellation, _observer.Messages);
                (EvaluationResult Result, TestPredictions Predictions)? last = null;
                var result = trainer.Train(name, model, train ?? data.Train, data.Validation, objective, card, checkpoints,
                    lastEpochWeights: m => last = Test(name, m), resume: _resume);
                var seconds = clock.Elapsed.TotalSeconds;
                var hyperparameters = extraHyperparameters is null ? training.ToString() : $"{training}, {extraHyperparameters}";
                // The best epoch is often the last: its weights were just tested, so the test set is not run twice.
                var bestIsLast = result.History.Count > 0 && result.BestEpoch == result.History[^1].Epoch;
                return Describe(role, model, card, Path.Combine(checkpoints, "best.bin"), checkpoints, hyperparameters, last!.Value, bestIsLast, result.History, result.BestEpoch, seconds)
                    with { MethodParameters = methodParameters };
            });
        }
        finally
        {
            (objective as IDisposable)?.Dispose();
            masks?.Dispose();
        }
    }

    /// <summary>
    /// Trains the model <see cref="Train"/> would start from (<paramref name="spec"/>, or the user's
    /// <paramref name="source"/>, seeded and with its pretrained weights) with the objective and
    /// nothing else: no checkpoints, metrics or test; the model is released after. A tuning trial,
    /// judged by the validation accuracy in the result it returns. A user's instance, which cannot be
    /// built again, is trained in place and put back to the weights it had, so every trial and the
    /// training after them start where it stood.
    /// </summary>
    public TrainingResult Trial(string name, string spec, TrainingOptions training, Func<nn.Module<Tensor, Tensor>, ITrainingObjective> objectiveFor,
        StudyData? trainingData = null, LabeledDataset? train = null, ModelSource? source = null)
    {
        var data = trainingData ?? _data;
        var initial = source is { IsInstance: true } instance ? WeightSnapshot.Of(instance.Build()) : null;
        // A trial starts where the trained model will: the same seeded build, from the pretrained weights it is given.
        var (model, _) = Start(spec, training, source);
        ITrainingObjective? objective = null;
        try
        {
            objective = objectiveFor(model);
            return new Trainer(training, progress: null, _cancellation).Train(name, model, train ?? data.Train, data.Validation, objective);
        }
        finally
        {
            (objective as IDisposable)?.Dispose();
            if (initial is not null) Restore(model, initial);
            Release(model, source);
        }
    }

    private static void Restore(nn.Module<Tensor, Tensor> model, Dictionary<string, Tensor> saved)
    {
        using (no_grad())
            foreach (var (key, value) in model.state_dict()) value.copy_(saved[key]);
        foreach (var tensor in saved.Values) tensor.Dispose();
    }

    /// <summary>
    /// The model a training starts from, built after seeding with the training's seed (so two students
    /// of one spec start alike): the user's module or the spec's, filled from the pretrained weights
    /// the training names. Returns what was loaded, to report; null when nothing was.
    /// </summary>
    private (nn.Module<Tensor, Tensor> Model, string? Loaded) Start(string spec, TrainingOptions training, ModelSource? source)
    {
        manual_seed(training.Seed);
        var model = source?.Build() ?? ModelBuilder.Build(ModelSpec.Parse(spec), _data.Train.SampleShape, _data.Info.ClassCount);
        try
        {
            // Before the method's feature taps attach, so they read the quantized layers' outputs.
            if (training.QuantizationAware) Quantization.QuantizationAwareModel.Prepare(model, sampleShape: _data.Train.SampleShape);
            if (training.Weights is null) return (model, null);
            return (model, Models.Weights.PretrainedWeights.Load(model, ModelSpec.Parse(spec), training.Weights, training.NewHead).Describe());
        }
        catch
        {
            Release(model, source);
            throw;
        }
    }

    /// <summary>
    /// A module the user hands over as it is (a teacher they trained): its weights saved with a card
    /// naming its type, then measured on the test set like a loaded model. When resuming, the weights
    /// saved then are loaded back into it, so the rest of the run learns from the same teacher.
    /// </summary>
    public (nn.Module<Tensor, Tensor> Model, ModelOutcome Outcome) Given(ModelRole role, string name, ModelSource source)
    {
        var checkpoints = _folder.Subfolder(name);
        var outcomePath = Path.Combine(checkpoints, OutcomeFile);
        if (_resume && File.Exists(outcomePath)) return Reload(role, name, source.Description, checkpoints, outcomePath, source);
        var model = source.Build();
        _observer.Messages?.Report($"Testing {name} ({source.Description}) on {_data.Test.Count:N0} test examples");
        var card = Card(model, source.Description, name, source);
        var weights = Path.Combine(checkpoints, "best.bin");
        ModelStore.Save(model, card, weights);
        var evaluation = Evaluator.EvaluateWithPredictions(model, _data.Test);
        var outcome = Describe(role, model, card, weights, checkpoints, "given as a module", evaluation, true, [], 0, 0);
        AtomicFile.WriteAllText(outcomePath, Json.Serialize(outcome));
        return (model, outcome);
    }

    /// <summary>The card of a model trained or given here; a user's module's names its type and layers.</summary>
    private ModelCard Card(nn.Module<Tensor, Tensor> model, string spec, string name, ModelSource? source)
    {
        var card = new ModelCard(spec, _data.Train.SampleShape, _data.Info.ClassCount, ModelBuilder.CountParameters(model), _data.Info.Name, name).WithData(_data.Info);
        // A pruned copy of a user's module has no source here, but its spec still names the module's type.
        return source is null && !UserModules.IsModuleSpec(spec) ? card : UserModules.Describe(card, model);
    }

    /// <summary>
    /// The outcome of a model finished earlier in this folder (by an interrupted run, or by another
    /// process sharing it), read without loading the model: the merge of a sharded experiment needs
    /// its numbers, not its weights. Its epochs go into metrics.jsonl as a reloaded model's do.
    /// </summary>
    public ModelOutcome Finished(ModelRole role, string name)
    {
        var checkpoints = _folder.File(name);
        var outcomePath = Path.Combine(checkpoints, OutcomeFile);
        if (!File.Exists(outcomePath))
            throw new DistillException($"The {role.ToString().ToLowerInvariant()} in '{checkpoints}' has not finished (it has no {OutcomeFile}); run it before building the results.");
        var outcome = Json.Read<ModelOutcome>(outcomePath, "model outcome");
        if (outcome.Role != role || outcome.History is null || outcome.History.Any(r => r is null))
            throw new DistillException($"The model outcome '{outcomePath}' does not describe the {role.ToString().ToLowerInvariant()} of this run.");
        foreach (var record in outcome.History) _metrics.Append(record);
        // A copied or moved run folder names its own files, not those of the folder it came from.
        var weights = Path.Combine(checkpoints, Path.GetFileName(outcome.WeightsPath));
        var predictions = Path.Combine(checkpoints, TestPredictions.FileName);
        return outcome with { WeightsPath = weights, PredictionsPath = File.Exists(predictions) ? predictions : null };
    }

    /// <summary>A model finished earlier in this folder, loaded with its outcome (a later role combines or distils it).</summary>
    public (nn.Module<Tensor, Tensor> Model, ModelOutcome Outcome) Reuse(ModelRole role, string name, string spec, ModelSource? source = null)
    {
        var checkpoints = _folder.Subfolder(name);
        return Reload(role, name, spec, checkpoints, Path.Combine(checkpoints, OutcomeFile), source);
    }

    /// <summary>A model an earlier, interrupted run finished: its best weights and its outcome, read back.</summary>
    private (nn.Module<Tensor, Tensor> Model, ModelOutcome Outcome) Reload(ModelRole role, string name, string spec, string checkpoints, string outcomePath, ModelSource? source)
    {
        _observer.Messages?.Report($"Reusing {name}: finished before the run was interrupted");
        var outcome = Json.Read<ModelOutcome>(outcomePath, "model outcome");
        if (outcome.Role != role || outcome.Spec != spec || outcome.History is null || outcome.History.Any(r => r is null))
            throw new DistillException($"The model outcome '{outcomePath}' does not describe the {role.ToString().ToLowerInvariant()} '{spec}' of this run.");
        var best = Path.Combine(checkpoints, "best.bin");
        var card = ModelStore.ReadCard(best);
        var model = source is null ? ModelStore.Load(best).Model : source.Load(best);
        if (card.ClassCount != _data.Info.ClassCount || !card.InputShape.SequenceEqual(_data.Train.SampleShape))
        {
            Release(model, source);
            throw new DistillException($"The saved {role.ToString().ToLowerInvariant()} in '{checkpoints}' does not fit {_data.Info.Name}.");
        }
        // Runs written before the gallery came before outcome.json may have lost it to a kill: draw it again.
        if (!File.Exists(Path.Combine(checkpoints, TestGallery.FileName))) WriteGallery(model, checkpoints);
        foreach (var record in outcome.History) _metrics.Append(record);
        // A copied or moved run folder names its own weights, not those of the folder it came from.
        var predictions = Path.Combine(checkpoints, TestPredictions.FileName);
        return (model, outcome with { WeightsPath = Path.Combine(checkpoints, "best.bin"), PredictionsPath = File.Exists(predictions) ? predictions : null });
    }

    /// <summary>
    /// Loads a teacher saved by Distill, or imported from ONNX or TorchScript (<see cref="ImportedTeacher"/>),
    /// and checks it fits the data set; its test numbers are Distill's own measurement.
    /// </summary>
    /// <param name="name">The role's folder name; a loaded model writes only its test predictions into it.</param>
    public (nn.Module<Tensor, Tensor> Model, ModelOutcome Outcome) LoadTeacher(string path, string name = "teacher")
    {
        _observer.Messages?.Report($"Loading {name} from {path}");
        if (ImportedTeacher.IsImported(path)) return LoadImported(path, name);
        // The card is checked against the data before the model is built, so a mismatch costs nothing.
        var card = ModelStore.ReadCard(path);
        foreach (var note in DataSchemaCheck.Check(card, "teacher", path, _data.Info, _data.Train.SampleShape)) _observer.Messages?.Report(note);
        if (card.DatasetWarning("teacher", path, _data.Info.Name) is { } warning) _observer.Messages?.Report(warning);
        var (model, _) = ModelStore.Load(path);
        _observer.Messages?.Report($"Testing the loaded teacher on {_data.Test.Count:N0} test examples");
        var evaluation = Evaluator.EvaluateWithPredictions(model, _data.Test);
        return (model, Describe(ModelRole.Teacher, model, card, path, _folder.Subfolder(name), "loaded from file", evaluation, true, [], 0, 0));
    }

    /// <summary>
    /// Combines the <paramref name="members"/> into one teacher and measures it on the test set like
    /// any model. It has no weights of its own: ensemble.json in its folder names the members and
    /// the mode, and its size is the members' together.
    /// </summary>
    public (nn.Module<Tensor, Tensor> Model, ModelOutcome Outcome) Ensemble(
        string name, IReadOnlyList<(nn.Module<Tensor, Tensor> Model, ModelOutcome Outcome)> members, EnsembleMode mode, double temperature)
    {
        _observer.Messages?.Report($"Combining {members.Count} teachers ({mode.ToString().ToLowerInvariant()}, T={temperature}) into {name}");
        var ensemble = new TeacherEnsemble(members.Select(m => m.Model).ToList(), mode, temperature);
        try
        {
            var specs = members.Select(m => m.Outcome.Spec).ToList();
            var parameters = members.Sum(m => m.Outcome.Parameters);
            var card = new ModelCard("ensemble:" + string.Join("+", specs), _data.Train.SampleShape, _data.Info.ClassCount, parameters, _data.Info.Name, name);
            var description = Path.Combine(_folder.Subfolder(name), "ensemble.json");
            AtomicFile.WriteAllText(description, Json.Serialize(new { Mode = mode, Temperature = temperature, Members = specs }));
            var evaluation = Evaluator.EvaluateWithPredictions(ensemble, _data.Test);
            var outcome = Describe(ModelRole.Teacher, ensemble, card, description, _folder.Subfolder(name), $"{mode.ToString().ToLowerInvariant()} of {members.Count} teachers, T={temperature}", evaluation, true, [], 0, 0);
            return (ensemble, outcome with { SizeBytes = members.Sum(m => m.Outcome.SizeBytes) });
        }
        catch
        {
            ensemble.Dispose();
            throw;
        }
    }

    private (nn.Module<Tensor, Tensor> Model, ModelOutcome Outcome) LoadImported(string path, string name)
    {
        var teacher = ImportedTeacher.Load(path, _data.Info.Name, _data.Info.ClassCount, _data.Train.SampleShape);
        try
        {
            var card = teacher.Card(_data.Info.Name, _data.Info.ClassCount, _data.Train.SampleShape);
            var evaluation = Evaluator.EvaluateWithPredictions(teacher, _data.Test);
            return (teacher, Describe(ModelRole.Teacher, teacher, card, path, _folder.Subfolder(name), $"imported {teacher.Format}", evaluation, true, [], 0, 0));
        }
        catch
        {
            teacher.Dispose();
            throw;
        }
    }

    /// <summary>Passes progress on and appends each finished epoch to the run's metrics log.</summary>
    private sealed class ForwardingProgress(IProgress<TrainingProgress>? inner, MetricsLog metrics) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
            if (value.Completed is not null) metrics.Append(value.Completed);
            inner?.Report(value);
        }
    }
}
