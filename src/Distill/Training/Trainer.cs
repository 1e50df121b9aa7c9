using System.Diagnostics;
using Distill.Data;
using Distill.Evaluation;
using Distill.Models;
using static TorchSharp.torch;

namespace Distill.Training;

/// <summary>
/// The training loop shared by teachers, scratch baselines and distilled students: seeded
/// shuffling, optional jitter, the objective's named loss terms, validation after every epoch,
/// best-epoch selection and early stopping on the validation split, and checkpoints.
/// </summary>
public sealed class Trainer
{
    private readonly TrainingOptions _options;
    private readonly IProgress<TrainingProgress>? _progress;
    private readonly CancellationToken _cancellation;

    public Trainer(TrainingOptions options, IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        options.Validate();
        _options = options;
        _progress = progress;
        _cancellation = cancellation;
    }

    /// <summary>
    /// Trains <paramref name="model"/> in place and leaves it holding the weights of the best
    /// validation epoch. With a <paramref name="checkpoints"/> folder, writes last.bin after
    /// every epoch and best.bin whenever validation accuracy improves.
    /// </summary>
    /// <param name="lastEpochWeights">Called with the model still holding the last epoch's weights,
    /// before the best ones are restored (to evaluate both).</param>
    public TrainingResult Train(
        string name,
        nn.Module<Tensor, Tensor> model,
        LabeledDataset train,
        LabeledDataset validation,
        ITrainingObjective objective,
        ModelCard? card = null,
        string? checkpoints = null,
        Action<nn.Module<Tensor, Tensor>>? lastEpochWeights = null)
    {
        if (train.ClassCount != validation.ClassCount)
            throw new DistillException($"The training set has {train.ClassCount} classes but the validation set has {validation.ClassCount}.");
        manual_seed(_options.Seed);
        var sampler = new BatchSampler(train.Count, _options.BatchSize, shuffle: true, seed: _options.Seed);
        var jitter = _options.JitterPixels > 0
            ? new PixelJitter(_options.JitterPixels, train.Features.min().item<float>(), _options.Seed + 1)
            : null;
        var trainable = model.parameters().Where(p => p.requires_grad).ToList();
        using var optimizer = _options.Optimizer.Create(trainable);
        var scheduler = _options.Schedule.Create(optimizer, _options.Epochs);

        var history = new List<EpochRecord>();
        var clock = Stopwatch.StartNew();
        var best = (Epoch: 0, Accuracy: double.NegativeInfinity);
        Dictionary<string, Tensor>? bestWeights = null;
        var stoppedEarly = false;
        try
        {
            for (var epoch = 1; epoch <= _options.Epochs; epoch++)
            {
                var record = RunEpoch(name, epoch, model, train, validation, objective, sampler, jitter, optimizer, trainable);
                scheduler?.step();
                history.Add(record);

                if (record.ValidationAccuracy > best.Accuracy)
                {
                    best = (epoch, record.ValidationAccuracy);
                    DisposeAll(bestWeights);
                    bestWeights = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());
                    if (checkpoints is not null && card is not null) ModelStore.Save(model, card, Path.Combine(checkpoints, "best.bin"));
                }
                if (checkpoints is not null && card is not null) ModelStore.Save(model, card, Path.Combine(checkpoints, "last.bin"));
                _progress?.Report(new TrainingProgress(name, epoch, _options.Epochs, sampler.BatchesPerEpoch, sampler.BatchesPerEpoch,
                    record.TrainLoss, record.TrainAccuracy, record));

                if (_options.EarlyStoppingPatience > 0 && epoch - best.Epoch >= _options.EarlyStoppingPatience && epoch < _options.Epochs)
                {
                    stoppedEarly = true;
                    break;
                }
            }

            lastEpochWeights?.Invoke(model);
            if (bestWeights is not null) model.load_state_dict(bestWeights);
        }
        finally
        {
            DisposeAll(bestWeights);
        }
        return new TrainingResult(history, best.Epoch, best.Accuracy, stoppedEarly, clock.Elapsed.TotalSeconds);
    }

    private EpochRecord RunEpoch(
        string name,
        int epoch,
        nn.Module<Tensor, Tensor> model,
        LabeledDataset train,
        LabeledDataset validation,
        ITrainingObjective objective,
        BatchSampler sampler,
        PixelJitter? jitter,
        optim.Optimizer optimizer,
        IReadOnlyList<TorchSharp.Modules.Parameter> trainable)
    {
        var clock = Stopwatch.StartNew();
        var learningRate = optimizer.ParamGroups.First().LearningRate;
        model.train();
        var termSums = new Dictionary<string, double>();
        double lossSum = 0;
        long correct = 0, seen = 0;
        var step = 0;
        foreach (var rows in sampler.Epoch())
        {
            _cancellation.ThrowIfCancellationRequested();
            step++;
            using (rows)
            using (NewDisposeScope())
            {
                var inputs = train.Features.index_select(0, rows);
                var labels = train.Labels.index_select(0, rows);
                if (jitter is not null) inputs = jitter.Apply(inputs);

                optimizer.zero_grad();
                var logits = model.call(inputs);
                using var terms = objective.Compute(logits, labels, inputs, rows);
                var total = terms.Total();
                var loss = total.item<float>();
                if (!float.IsFinite(loss))
                    throw new NumericFaultException(
                        $"Training {name} stopped at epoch {epoch}, step {step}: the loss became {loss}; lower the learning rate or turn on gradient clipping.");
                total.backward();
                if (_options.GradientClipNorm > 0) nn.utils.clip_grad_norm_(trainable, _options.GradientClipNorm);
                optimizer.step();

                var batch = rows.shape[0];
                lossSum += loss * batch;
                foreach (var (termName, value) in terms.Terms)
                    termSums[termName] = termSums.GetValueOrDefault(termName) + value.item<float>() * batch;
                correct += logits.argmax(1).eq(labels).sum().item<long>();
                seen += batch;
            }
            _progress?.Report(new TrainingProgress(name, epoch, _options.Epochs, step, sampler.BatchesPerEpoch,
                lossSum / seen, (double)correct / seen));
        }

        var validationResult = Evaluator.Evaluate(model, validation);
        return new EpochRecord(
            name,
            epoch,
            learningRate,
            lossSum / seen,
            termSums.ToDictionary(kv => kv.Key, kv => kv.Value / seen),
            (double)correct / seen,
            validationResult.Loss,
            validationResult.Accuracy,
            clock.Elapsed.TotalSeconds);
    }

    private static void DisposeAll(Dictionary<string, Tensor>? weights)
    {
        if (weights is null) return;
        foreach (var tensor in weights.Values) tensor.Dispose();
    }
}
