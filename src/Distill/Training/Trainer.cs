using System.Diagnostics;
using Distill.Data;
using Distill.Data.Augmentation;
using Distill.Evaluation;
using Distill.Losses;
using Distill.Models;
using static TorchSharp.torch;
using Distill.Native;
using Distill.Quantization;

namespace Distill.Training;

/// <summary>
/// The training loop shared by teachers, scratch baselines and distilled students: seeded
/// shuffling, optional augmentation, the objective's named loss terms, validation after every epoch,
/// best-epoch selection and early stopping on the validation split, and checkpoints.
/// </summary>
public sealed class Trainer
{
    // Steps between checks for a release of freed native memory (FreedMemory.ReleaseIfGrown).
    private const int TrimInterval = 32;

    /// <summary>The most per-step loss values an epoch keeps (<see cref="EpochRecord.StepLosses"/>); longer epochs average runs of steps.</summary>
    public const int MaxStepPoints = 20;

    private readonly TrainingOptions _options;
    private readonly IProgress<TrainingProgress>? _progress;
    private readonly CancellationToken _cancellation;
    private readonly IProgress<string>? _messages;

    /// <param name="messages">Where one-line notes on the run go (a frozen base cached, or why not).</param>
    public Trainer(TrainingOptions options, IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default, IProgress<string>? messages = null)
    {
        options.Validate();
        _options = options;
        _progress = progress;
        _cancellation = cancellation;
        _messages = messages;
    }

    /// <summary>
    /// Trains <paramref name="model"/> in place and leaves it holding the weights of the best
    /// validation epoch. With a <paramref name="checkpoints"/> folder, writes last.bin after
    /// every epoch, best.bin whenever validation accuracy improves, and the full training state
    /// (<see cref="TrainingCheckpoint"/>) last, so a run killed at any point can resume.
    /// </summary>
    /// <param name="lastEpochWeights">Called with the model still holding the last epoch's weights,
    /// before the best ones are restored (to evaluate both).</param>
    /// <param name="resume">Continue from the training state in <paramref name="checkpoints"/>, if
    /// there is one: an interrupted epoch is redone, so the result is the same as an uninterrupted run.</param>
    public TrainingResult Train(
        string name,
        nn.Module<Tensor, Tensor> model,
        LabeledDataset train,
        LabeledDataset validation,
        ITrainingObjective objective,
        ModelCard? card = null,
        string? checkpoints = null,
        Action<nn.Module<Tensor, Tensor>>? lastEpochWeights = null,
        bool resume = false)
    {
        if (train.ClassCount != validation.ClassCount)
            throw new DistillException($"The training set has {train.ClassCount} classes but the validation set has {validation.ClassCount}.");
        manual_seed(_options.Seed);
        var sampler = new BatchSampler(train.Count, _options.BatchSize, shuffle: true, seed: _options.Seed);
        var transforms = _options.Transforms();
        using var augmentation = transforms.Count > 0
            ? new AugmentationPipeline(transforms, train.SampleShape, train.Store?.Range() ?? ImageRange.Measure(train.Features), _options.Seed + 1)
            : null;
        var generators = new Dictionary<string, Generator> { ["sampler"] = sampler.Generator! };
        if (augmentation is not null) generators["augmentation"] = augmentation.Generator;
        foreach (var (generatorName, generator) in objective.Generators) generators["method." + generatorName] = generator;
        var companion = objective.Companion;
        // A quantization-aware model saves its observed ranges in every card, the best epoch's with the best weights.
        var quantization = _options.QuantizationAware ? QuantizationAwareModel.Prepare(model, sampleShape: train.SampleShape) : QuantizationAwareModel.Of(model);
        if (card is not null && quantization is not null) card = card with { QuantizationAware = quantization.Ranges() };
        QuantizationRanges? bestRanges = null;
        // A user's module names its own layers: its head is taken to be Distill's classifier name, as for a model without a card.
        var headPath = card is null || UserModules.IsModuleSpec(card.Spec) ? ModelBuilder.ClassifierName : ModelSpec.Parse(card.Spec).HeadPath;
        IReadOnlyList<nn.Module> frozen = [.. LayerFreezer.Freeze(model, _options.FreezeLayers), .. LayerFreezer.Freeze(model, _options.Freeze, headPath)];
        // Method parameters (regressors, embeddings) train with the model; a frozen teacher has none here.
        var trainable = model.parameters().Concat(companion?.parameters() ?? []).Where(p => p.requires_grad).ToList();
        using var optimizer = _options.HeadLearningRate > 0
            ? _options.Optimizer.Create(trainable, HeadParameters(model, headPath), _options.HeadLearningRate)
            : _options.Optimizer.Create(trainable);
        var scheduler = _options.Schedule.Create(optimizer, _options.Epochs);
        var fingerprint = Runs.Json.Serialize(_options, indented: false);
        var statePath = checkpoints is null ? null : Path.Combine(checkpoints, TrainingCheckpoint.FileName);

        var history = new List<EpochRecord>();
        var clock = Stopwatch.StartNew();
        var best = (Epoch: 0, Accuracy: double.NegativeInfinity);
        Dictionary<string, Tensor>? bestWeights = null;
        var stoppedEarly = false;
        var firstEpoch = 1;
        FrozenBaseCache? baseCache = null;
        try
        {
            if (resume && statePath is not null && File.Exists(statePath))
            {
                var (state, weights) = TrainingCheckpoint.Restore(statePath, fingerprint, _options.Epochs, model, companion, optimizer, trainable, generators);
                bestWeights = weights;
                if (quantization is not null)
                {
                    if (ModelStore.ReadCard(Path.Combine(checkpoints!, "last.bin")).QuantizationAware is { } lastRanges) quantization.Restore(lastRanges);
                    bestRanges = ModelStore.ReadCard(Path.Combine(checkpoints!, "best.bin")).QuantizationAware;
                }
                // The schedule's own position is replayed; the saved learning rate then overrides
                // whatever the replay computed, though both agree.
                for (var epoch = 0; epoch < state.Epoch; epoch++) scheduler?.step();
                var groups = optimizer.ParamGroups.ToList();
                for (var g = 0; g < groups.Count; g++) groups[g].LearningRate = state.LearningRates[g];
                history.AddRange(state.History);
                best = (state.BestEpoch, state.BestValidationAccuracy);
                firstEpoch = state.Epoch + 1;
                stoppedEarly = ShouldStop(state.Epoch, best.Epoch);
                // A kill between the weights files and the state may have left them one epoch ahead.
                if (card is not null)
                {
                    ModelStore.Save(bestWeights, card with { QuantizationAware = bestRanges }, Path.Combine(checkpoints!, "best.bin"));
                    ModelStore.Save(model, card with { QuantizationAware = quantization?.Ranges() }, Path.Combine(checkpoints!, "last.bin"));
                }
                foreach (var record in state.History)
                    _progress?.Report(new TrainingProgress(name, record.Epoch, _options.Epochs, sampler.BatchesPerEpoch, sampler.BatchesPerEpoch,
                        record.TrainLoss, record.TrainAccuracy, record, Restored: true));
            }

            // Only when an epoch is left to run; a resumed run computes the same cache again.
            if (firstEpoch <= _options.Epochs && !stoppedEarly)
            {
                baseCache = FrozenBaseCache.TryCompute(model, headPath, frozen, _options, objective, quantization is not null, train, validation, out var note);
                if ((baseCache?.Describe(name) ?? note) is { } line) _messages?.Report(line);
            }

            for (var epoch = firstEpoch; epoch <= _options.Epochs && !stoppedEarly; epoch++)
            {
                // What an epoch makes and does not free itself (views taken to save a checkpoint) is freed
                // with the epoch, not left to the collector or to a scope the caller holds for the whole run.
                using var epochScope = NewDisposeScope();
                var record = RunEpoch(name, epoch, model, train, validation, objective, sampler, augmentation, optimizer, trainable, frozen, baseCache);
                scheduler?.step();
                history.Add(record);
                if (card is not null && quantization is not null) card = card with { QuantizationAware = quantization.Ranges() };

                if (record.ValidationAccuracy > best.Accuracy)
                {
                    best = (epoch, record.ValidationAccuracy);
                    DisposeAll(bestWeights);
                    bestWeights = WeightSnapshot.Of(model);
                    bestRanges = quantization?.Ranges();
                    if (checkpoints is not null && card is not null) ModelStore.Save(model, card, Path.Combine(checkpoints, "best.bin"));
                }
                if (checkpoints is not null && card is not null) ModelStore.Save(model, card, Path.Combine(checkpoints, "last.bin"));
                if (statePath is not null)
                    TrainingCheckpoint.Save(statePath, fingerprint, epoch, best.Epoch, best.Accuracy, history, model, companion, bestWeights!, optimizer, generators);
                _progress?.Report(new TrainingProgress(name, epoch, _options.Epochs, sampler.BatchesPerEpoch, sampler.BatchesPerEpoch,
                    record.TrainLoss, record.TrainAccuracy, record));

                stoppedEarly = ShouldStop(epoch, best.Epoch);
            }

            lastEpochWeights?.Invoke(model);
            if (bestWeights is not null) model.load_state_dict(bestWeights);
            if (bestRanges is not null) quantization!.Restore(bestRanges);
        }
        finally
        {
            DisposeAll(bestWeights);
            baseCache?.Dispose();
        }
        return new TrainingResult(history, best.Epoch, best.Accuracy, stoppedEarly, clock.Elapsed.TotalSeconds);
    }

    /// <summary>The trainable parameters of the module at <paramref name="headPath"/>, which --head-lr applies to.</summary>
    private static IReadOnlyList<TorchSharp.Modules.Parameter> HeadParameters(nn.Module model, string headPath)
    {
        var head = model.named_modules().FirstOrDefault(m => m.name == headPath).module
            ?? throw new DistillException($"--head-lr needs the classifier head '{headPath}', which the model does not have.");
        return [.. head.parameters().Where(p => p.requires_grad)];
    }

    private bool ShouldStop(int epoch, int bestEpoch) =>
        _options.EarlyStoppingPatience > 0 && epoch - bestEpoch >= _options.EarlyStoppingPatience && epoch < _options.Epochs;

    private EpochRecord RunEpoch(
        string name,
        int epoch,
        nn.Module<Tensor, Tensor> model,
        LabeledDataset train,
        LabeledDataset validation,
        ITrainingObjective objective,
        BatchSampler sampler,
        AugmentationPipeline? augmentation,
        optim.Optimizer optimizer,
        IReadOnlyList<TorchSharp.Modules.Parameter> trainable,
        IReadOnlyList<nn.Module> frozen,
        FrozenBaseCache? baseCache)
    {
        var clock = Stopwatch.StartNew();
        var learningRate = optimizer.ParamGroups.First().LearningRate;
        model.train();
        LayerFreezer.KeepInEval(frozen);
        objective.Companion?.train();
        var termSums = new Dictionary<string, double>();
        var unweightedSums = new Dictionary<string, double>();
        var stepsPerPoint = Math.Max(1, (sampler.BatchesPerEpoch + MaxStepPoints - 1) / MaxStepPoints);
        var stepLosses = new List<double>();
        var (pointSum, pointSteps) = (0.0, 0);
        double lossSum = 0;
        long correct = 0, seen = 0, labeledSeen = 0;
        // Transfer rows have no class: training accuracy counts the labeled rows alone.
        var partlyLabeled = train.LabeledCount < train.Count;
        var step = 0;
        using (MixedPrecision.Use(model, _options.Precision))
        using (OneDnnSwitch.For([model], _options.Precision != Precision.Float32))
        foreach (var (rows, batchInputs) in baseCache?.Batches(sampler.Epoch()) ?? train.Batches(sampler.Epoch()))
        {
            _cancellation.ThrowIfCancellationRequested();
            step++;
            using (rows)
            using (batchInputs)
            using (NewDisposeScope())
            {
                var inputs = batchInputs;
                var labels = train.Labels.index_select(0, rows);
                if (augmentation is not null) inputs = augmentation.Apply(inputs);

                optimizer.zero_grad();
                // With a cached base the inputs are the head's, and the head alone steps.
                var (logits, terms) = objective.Step(baseCache?.Head ?? model, inputs, labels, rows, epoch);
                using var termsScope = terms;
                var total = terms.Total();
                var loss = total.item<float>();
                if (!float.IsFinite(loss))
                    throw new NumericFaultException(
                        $"Training {name} stopped at epoch {epoch}, step {step}: the loss became {loss}; lower the learning rate or turn on gradient clipping.");
                total.backward();
                if (_options.GradientClipNorm > 0) nn.utils.clip_grad_norm_(trainable, _options.GradientClipNorm);
                optimizer.step();
                objective.AfterStep(model);

                var batch = rows.shape[0];
                lossSum += loss * batch;
                foreach (var (termName, value) in terms.Terms)
                    termSums[termName] = termSums.GetValueOrDefault(termName) + value.item<float>() * batch;
                foreach (var (termName, value) in terms.Unweighted)
                    unweightedSums[termName] = unweightedSums.GetValueOrDefault(termName) + value.item<float>() * batch;
                pointSum += loss;
                if (++pointSteps == stepsPerPoint)
                {
                    stepLosses.Add(pointSum / pointSteps);
                    (pointSum, pointSteps) = (0.0, 0);
                }
                correct += logits.argmax(1).eq(labels).sum().item<long>();
                seen += batch;
                labeledSeen += partlyLabeled ? labels.ge(HeldScalar.Of(0L)).sum().item<long>() : batch;
            }
            _progress?.Report(new TrainingProgress(name, epoch, _options.Epochs, step, sampler.BatchesPerEpoch,
                lossSum / seen, (double)correct / Math.Max(1, labeledSeen)));
            if (step % TrimInterval == 0) FreedMemory.ReleaseIfGrown();
        }

        if (pointSteps > 0) stepLosses.Add(pointSum / pointSteps);
        // Once per epoch rather than per step: a per-step check would sync every parameter each
        // step, and the loss check above already stops most divergences on the step they happen.
        bool finite;
        using (NewDisposeScope()) finite = model.parameters().All(p => p.isfinite().all().item<bool>());
        if (!finite)
            throw new NumericFaultException(
                $"Training {name} stopped at epoch {epoch}, step {step}: a weight became NaN or infinite; the checkpoint of the last whole epoch is kept; lower the learning rate or turn on gradient clipping.");

        var validationResult = baseCache is null ? Evaluator.Evaluate(model, validation) : Evaluator.Evaluate(baseCache.Head, baseCache.Validation);
        FreedMemory.Release();
        return new EpochRecord(
            name,
            epoch,
            learningRate,
            lossSum / seen,
            termSums.ToDictionary(kv => kv.Key, kv => kv.Value / seen),
            (double)correct / Math.Max(1, labeledSeen),
            validationResult.Loss,
            validationResult.Accuracy,
            clock.Elapsed.TotalSeconds)
        {
            UnweightedLossTerms = unweightedSums.Count == 0 ? null : unweightedSums.ToDictionary(kv => kv.Key, kv => kv.Value / seen),
            StepLosses = stepLosses,
        };
    }

    private static void DisposeAll(Dictionary<string, Tensor>? weights)
    {
        if (weights is null) return;
        foreach (var tensor in weights.Values) tensor.Dispose();
    }
}
