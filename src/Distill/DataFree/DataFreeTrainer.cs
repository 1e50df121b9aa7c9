using System.Diagnostics;
using Distill.Losses;
using Distill.Training;
using static TorchSharp.torch;

namespace Distill.DataFree;

/// <summary>
/// Distils a student from a teacher alone (<see cref="DataFreeOptions"/>): no real row is read. DAFL trains
/// its generator and the student together, epoch after epoch; zskd and deepinversion first make their
/// impressions, then train the student on them with KD for its epochs. The student's batch size, epochs,
/// optimizer and seed come from its <see cref="TrainingOptions"/>; learning rates stay constant. Each epoch's
/// record holds the student's KD loss and its agreement with the teacher on the synthetic inputs (train),
/// and on a fresh synthetic batch (DAFL) or all the impressions (validation): there is no real validation data.
/// </summary>
public sealed class DataFreeTrainer(DataFreeOptions options, TrainingOptions training, IProgress<TrainingProgress>? progress = null,
    IProgress<string>? messages = null, CancellationToken cancellation = default)
{
    /// <summary>Synthetic images kept for the run folder's picture.</summary>
    public const int KeptSamples = 32;

    /// <summary>Trains <paramref name="student"/> in place; returns its history and some synthetic inputs with the teacher's classes for them.</summary>
    /// <param name="checkpoints">A folder for the run's state (<see cref="DataFreeCheckpoint"/>), saved after every epoch and
    /// every batch of impressions; null saves none.</param>
    /// <param name="resume">Continue from the state in <paramref name="checkpoints"/>, if there is one: the epoch or batch of
    /// impressions the run was in is redone, so it ends as an uninterrupted run.</param>
    public (IReadOnlyList<EpochRecord> History, Tensor Samples) Train(string name, nn.Module<Tensor, Tensor> student, nn.Module<Tensor, Tensor> teacherModel,
        IReadOnlyList<long> imageShape, int classCount, string? checkpoints = null, bool resume = false)
    {
        options.Validate();
        training.Validate();
        if (imageShape.Count != 3)
            throw new DistillException($"Data-free distillation makes images, and the teacher takes inputs of shape {string.Join("x", imageShape)}.");
        using var teacher = new DataFreeTeacher(teacherModel, classCount,
            needFeatures: options.Method == "dafl" && options.ActivationWeight > 0, needBatchNorm: options.EffectiveBatchNormWeight > 0);
        manual_seed(training.Seed);
        using var optimizer = training.Optimizer.Create(student.parameters());
        var state = new DataFreeCheckpoint(checkpoints, options, training, resume);
        return options.Method == "dafl"
            ? Dafl(name, student, teacher, optimizer, imageShape, state)
            : Impressions(name, student, teacher, optimizer, imageShape, classCount, state);
    }

    private (IReadOnlyList<EpochRecord>, Tensor) Dafl(string name, nn.Module<Tensor, Tensor> student, DataFreeTeacher teacher, optim.Optimizer optimizer,
        IReadOnlyList<long> imageShape, DataFreeCheckpoint state)
    {
        using var synthesis = new DaflSynthesis(options, teacher, imageShape, training.BatchSize);
        IReadOnlyList<optim.Optimizer> optimizers = [optimizer, synthesis.Optimizer];
        var history = Restored(name, state.Restore(student, synthesis.Generator, optimizers, [.. student.parameters(), .. synthesis.Parameters]), options.StepsPerEpoch);
        for (var epoch = history.Count + 1; epoch <= training.Epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            var epochTerms = new EpochSums();
            student.train();
            for (var step = 1; step <= options.StepsPerEpoch; step++)
            {
                cancellation.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                optimizer.zero_grad();
                Tensor? studentLogits = null;
                var (_, teacherLogits, terms) = synthesis.Step((images, targets) =>
                {
                    studentLogits = student.call(images);
                    return DistillationLosses.SoftTargetKl(studentLogits, targets, options.EffectiveTemperature);
                });
                optimizer.step();
                using (no_grad())
                {
                    var kd = DistillationLosses.SoftTargetKl(studentLogits!, teacherLogits, options.EffectiveTemperature).item<float>();
                    epochTerms.Add(terms, kd, Agreement(studentLogits!, teacherLogits));
                }
                progress?.Report(new TrainingProgress(name, epoch, training.Epochs, step, options.StepsPerEpoch, epochTerms.Loss, epochTerms.Agreement));
            }
            double validationLoss, validationAgreement;
            using (var fresh = synthesis.Sample(training.BatchSize)) (validationLoss, validationAgreement) = Check(student, teacher, fresh);
            history.Add(Record(name, epoch, epochTerms, validationLoss, validationAgreement, clock.Elapsed.TotalSeconds));
            state.Save(epoch, history, student, synthesis.Generator, optimizers);
            Report(history[^1], options.StepsPerEpoch);
        }
        return (history, synthesis.Sample(KeptSamples));
    }

    private (IReadOnlyList<EpochRecord>, Tensor) Impressions(string name, nn.Module<Tensor, Tensor> student, DataFreeTeacher teacher, optim.Optimizer optimizer,
        IReadOnlyList<long> imageShape, int classCount, DataFreeCheckpoint state)
    {
        var clock = Stopwatch.StartNew();
        // Drawn right after the seed, so a resumed run draws the same targets before its saved generator state is put back.
        using var targets = options.Method == "zskd"
            ? DataImpressions.DirichletTargets(teacher.FinalWeights, options.Betas, options.Impressions)
            : randint(classCount, [options.Impressions], dtype: ScalarType.Int64);
        using var bank = new ImpressionBank(options.Impressions, imageShape);
        IReadOnlyList<optim.Optimizer> optimizers = [optimizer];
        var steps = (options.Impressions + training.BatchSize - 1) / training.BatchSize;
        var history = Restored(name, state.Restore(student, bank, optimizers, [.. student.parameters()]), steps);
        if (bank.Made > 0 && bank.Made < options.Impressions)
            messages?.Report($"Resuming {name} from its checkpoint: {bank.Made} of {options.Impressions} impressions made");
        for (var b = (bank.Made + training.BatchSize - 1) / training.BatchSize; b < steps; b++)
        {
            var start = b * training.BatchSize;
            using var batchTargets = targets.narrow(0, start, Math.Min(training.BatchSize, options.Impressions - start));
            var (images, loss) = DataImpressions.Optimise(teacher, options, batchTargets, imageShape, cancellation);
            var made = images.shape[0];
            using (images) bank.Add(images);
            state.Save(0, history, student, bank, optimizers);
            messages?.Report(FormattableString.Invariant($"Impressions for {name}: batch {b + 1} of {steps} made ({made} inputs, last loss {loss:g4})"));
        }
        var all = bank.Images;
        using var teacherLogits = teacher.Logits(all);
        var madeIn = clock.Elapsed.TotalSeconds;
        for (var epoch = history.Count + 1; epoch <= training.Epochs; epoch++)
        {
            clock.Restart();
            var epochTerms = new EpochSums();
            student.train();
            using var order = randperm(options.Impressions);
            for (var step = 0; step < steps; step++)
            {
                cancellation.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var rows = order.narrow(0, step * training.BatchSize, Math.Min(training.BatchSize, options.Impressions - step * training.BatchSize));
                var targetsNow = teacherLogits.index_select(0, rows);
                optimizer.zero_grad();
                var logits = student.call(all.index_select(0, rows));
                var kd = DistillationLosses.SoftTargetKl(logits, targetsNow, options.EffectiveTemperature);
                kd.backward();
                optimizer.step();
                using (no_grad()) epochTerms.Add(null, kd.item<float>(), Agreement(logits, targetsNow));
                progress?.Report(new TrainingProgress(name, epoch, training.Epochs, step + 1, steps, epochTerms.Loss, epochTerms.Agreement));
            }
            var (validationLoss, validationAgreement) = Check(student, teacher, all);
            // The impressions' making counts toward the first epoch's time.
            history.Add(Record(name, epoch, epochTerms, validationLoss, validationAgreement, clock.Elapsed.TotalSeconds + (epoch == 1 ? madeIn : 0)));
            state.Save(epoch, history, student, bank, optimizers);
            Report(history[^1], steps);
        }
        return (history, all.narrow(0, 0, Math.Min(KeptSamples, options.Impressions)).clone());
    }

    /// <summary>The student's KD loss and agreement with the teacher on <paramref name="images"/>, in eval mode.</summary>
    private (double Loss, double Agreement) Check(nn.Module<Tensor, Tensor> student, DataFreeTeacher teacher, Tensor images)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        student.eval();
        var teacherLogits = teacher.Logits(images);
        var logits = student.call(images);
        var result = (DistillationLosses.SoftTargetKl(logits, teacherLogits, options.EffectiveTemperature).item<float>(), Agreement(logits, teacherLogits));
        student.train();
        return result;
    }

    private void Report(EpochRecord record, int steps, bool restored = false) =>
        progress?.Report(new TrainingProgress(record.Model, record.Epoch, training.Epochs, steps, steps, record.TrainLoss, record.TrainAccuracy, record, restored));

    /// <summary>The epochs a checkpoint holds, reported again as restored; empty for a fresh run.</summary>
    private List<EpochRecord> Restored(string name, IReadOnlyList<EpochRecord>? restored, int steps)
    {
        if (restored is null) return [];
        if (restored.Count > 0) messages?.Report($"Resuming {name} from its checkpoint after epoch {restored.Count}");
        foreach (var record in restored) Report(record, steps, restored: true);
        return [.. restored];
    }

    private static double Agreement(Tensor studentLogits, Tensor teacherLogits) =>
        studentLogits.argmax(1).eq(teacherLogits.argmax(1)).to_type(ScalarType.Float64).mean().item<double>();

    private EpochRecord Record(string name, int epoch, EpochSums sums, double validationLoss, double validationAgreement, double seconds) =>
        new(name, epoch, training.Optimizer.LearningRate, sums.Loss, sums.Weighted(), sums.Agreement, validationLoss, validationAgreement, seconds)
        {
            UnweightedLossTerms = sums.Unweighted(),
        };

    /// <summary>Running means of an epoch's terms: the student's KD ("kd"), its agreement, and the generator's terms.</summary>
    private sealed class EpochSums
    {
        private readonly Dictionary<string, double> _weighted = new(StringComparer.Ordinal);
        private readonly Dictionary<string, double> _unweighted = new(StringComparer.Ordinal);
        private double _loss;
        private double _agreement;
        private int _steps;

        public double Loss => _steps == 0 ? 0 : _loss / _steps;

        public double Agreement => _steps == 0 ? 0 : _agreement / _steps;

        public void Add(LossTerms? terms, double kd, double agreement)
        {
            _steps++;
            _loss += kd;
            _agreement += agreement;
            _weighted["kd"] = _weighted.GetValueOrDefault("kd") + kd;
            if (terms is null) return;
            foreach (var (term, value) in terms.Terms) _weighted[term] = _weighted.GetValueOrDefault(term) + value.item<float>();
            foreach (var (term, value) in terms.Unweighted) _unweighted[term] = _unweighted.GetValueOrDefault(term) + value.item<float>();
        }

        public IReadOnlyDictionary<string, double> Weighted() => _weighted.ToDictionary(p => p.Key, p => p.Value / _steps, StringComparer.Ordinal);

        public IReadOnlyDictionary<string, double>? Unweighted() =>
            _unweighted.Count == 0 ? null : _unweighted.ToDictionary(p => p.Key, p => p.Value / _steps, StringComparer.Ordinal);
    }
}
