using System.Diagnostics;
using Distill.Data;
using Distill.Evaluation;
using Distill.Native;
using Distill.Teachers;
using static TorchSharp.torch;

namespace Distill.Training;

/// <summary>
/// A frozen base's outputs on the un-augmented training and validation rows, computed once, as a
/// teacher's logits are (<see cref="CachedTeacher"/>): the input of the classifier head for every
/// row, read by a pre-hook on the head in one pass of the whole model in eval mode. When everything
/// before the head is frozen and deterministic, each epoch then trains the head alone on these
/// rows and validates it on them, with the same batches in the same order and the same random
/// draws (dropout inside the head) as a run of the whole model, so the results agree to float
/// rounding while an epoch costs a fraction of one through the base.
/// </summary>
public sealed class FrozenBaseCache : IDisposable
{
    private FrozenBaseCache(nn.Module<Tensor, Tensor> head, string headPath, Tensor train, LabeledDataset validation, double seconds)
    {
        Head = head;
        HeadPath = headPath;
        Train = train;
        Validation = validation;
        Seconds = seconds;
    }

    /// <summary>The classifier head, a submodule of the model: what trains on the cached rows.</summary>
    public nn.Module<Tensor, Tensor> Head { get; }

    public string HeadPath { get; }

    /// <summary>The head's input for every training row, in row order (float32).</summary>
    public Tensor Train { get; }

    /// <summary>The head's input for every validation row, with the validation labels.</summary>
    public LabeledDataset Validation { get; }

    /// <summary>Seconds the pass over the base took.</summary>
    public double Seconds { get; }

    /// <summary>Bytes the cached rows hold.</summary>
    public long Bytes => (Train.numel() + Validation.Features.numel()) * sizeof(float);

    /// <summary>The training batches of <paramref name="rows"/>: each batch's row indices and their cached head inputs.</summary>
    public IEnumerable<(Tensor Rows, Tensor Inputs)> Batches(IEnumerable<Tensor> rows) =>
        rows.Select(r => (r, Train.index_select(0, r)));

    /// <summary>One line for the run's log: what was cached, its size and the time it took.</summary>
    public string Describe(string name) => FormattableString.Invariant(
        $"Frozen base of {name} cached: {Train.shape[0] + Validation.Count:N0} x {string.Join(" x ", Train.shape[1..])} features ({Train.shape[0]:N0} training and {Validation.Count:N0} validation rows), {Bytes / 1048576.0:F1} MiB, computed once in {Seconds:F1} s; the epochs train the head '{HeadPath}' on them");

    /// <summary>
    /// Runs the base once over <paramref name="train"/> and <paramref name="validation"/> when the
    /// run allows it; null otherwise, with <paramref name="note"/> saying why when something was frozen
    /// (a run that freezes nothing has no base to cache, and says nothing).
    /// </summary>
    /// <param name="frozen">The modules the run froze (kept in eval mode while the rest trains).</param>
    /// <param name="quantized">True when the model simulates int8 in its forward pass.</param>
    public static FrozenBaseCache? TryCompute(
        nn.Module<Tensor, Tensor> model, string headPath, IReadOnlyList<nn.Module> frozen, TrainingOptions options, ITrainingObjective objective,
        bool quantized, LabeledDataset train, LabeledDataset validation, out string? note)
    {
        note = null;
        if (frozen.Count == 0 || options.LiveFrozenBase) return null;
        var (head, reason) = Refusal(model, headPath, frozen, options, objective, quantized);
        if (head is null)
        {
            note = NotCached(reason);
            return null;
        }
        var clock = Stopwatch.StartNew();
        var rowCount = train.Count + validation.Count;
        var wasTraining = model.training;
        Tensor? trainRows = null;
        try
        {
            model.eval();
            trainRows = HeadInputs(model, head, train, rowCount, out reason);
            var validationRows = trainRows is null ? null : HeadInputs(model, head, validation, rowCount, out reason);
            if (trainRows is null || validationRows is null)
            {
                note = NotCached(reason);
                trainRows?.Dispose();
                return null;
            }
            var cached = new LabeledDataset(validation.Name + "/head-inputs", validationRows, validation.Labels.clone(), validation.ClassCount);
            return new FrozenBaseCache(head, headPath, trainRows, cached, clock.Elapsed.TotalSeconds);
        }
        catch
        {
            trainRows?.Dispose();
            throw;
        }
        finally
        {
            model.train(wasTraining);
            FreedMemory.Release();
        }
    }

    private static string NotCached(string? reason) => $"The frozen base is not cached: {reason}, so it runs on every step.";

    /// <summary>The head, when training it alone on cached inputs gives what training the whole model gives; otherwise why not.</summary>
    private static (nn.Module<Tensor, Tensor>? Head, string Reason) Refusal(
        nn.Module<Tensor, Tensor> model, string headPath, IReadOnlyList<nn.Module> frozen, TrainingOptions options, ITrainingObjective objective, bool quantized)
    {
        if (options.Augments) return (null, "the training inputs are augmented, so the base sees new inputs every epoch");
        if (options.Precision != Precision.Float32) return (null, "bfloat16 steps compute the base in another precision than a float32 cache");
        if (quantized) return (null, "quantization-aware training simulates int8 in the base on every step");
        if (!objective.NeedsOnlyLogits) return (null, "the objective reads the model's layers or its raw inputs on every step");
        var modules = model.named_modules().Where(m => m.name.Length > 0).ToList();
        if (modules.FirstOrDefault(m => m.name == headPath).module is not nn.Module<Tensor, Tensor> head)
            return (null, $"the model has no classifier head '{headPath}' that maps one tensor to one tensor");
        bool InHead(string name) => name == headPath || name.StartsWith(headPath + ".", StringComparison.Ordinal);
        if (model.named_parameters().FirstOrDefault(p => p.parameter.requires_grad && !InHead(p.name)) is { name: { } trainable })
            return (null, $"'{trainable}' trains outside the head '{headPath}'");
        // Frozen modules stay in eval mode; a module outside them runs in training mode, which is
        // the same as eval mode only for a module with no state of its own and no randomness.
        var evaluated = new HashSet<nn.Module>(frozen.SelectMany(f => f.named_modules().Select(m => m.module)).Concat(frozen), ReferenceEqualityComparer.Instance);
        var loose = modules.FirstOrDefault(m => !InHead(m.name) && !headPath.StartsWith(m.name + ".", StringComparison.Ordinal)
                                                && !evaluated.Contains(m.module) && !Stateless(m.module));
        if (loose.module is not null) return (null, $"'{loose.name}' runs outside the head '{headPath}' in training mode without being frozen");
        return (head, "");
    }

    /// <summary>True for a module that holds no buffers and draws nothing at random, so training mode changes nothing in it.</summary>
    private static bool Stateless(nn.Module module)
    {
        var type = module.GetType().Name;
        return !module.named_buffers(recurse: false).Any()
               && !type.Contains("Dropout", StringComparison.Ordinal) && !type.Contains("StochasticDepth", StringComparison.Ordinal) && type != "RReLU";
    }

    /// <summary>
    /// The head's input for every row of <paramref name="data"/>, the whole model run in batches
    /// without gradients; null with <paramref name="reason"/> when the head is not the model's last
    /// step, runs other than once a pass, or the cache would outgrow <see cref="CachedTeacher.MaxFeatureBytes"/>.
    /// </summary>
    private static Tensor? HeadInputs(nn.Module<Tensor, Tensor> model, nn.Module<Tensor, Tensor> head, LabeledDataset data, long rowCount, out string? reason)
    {
        reason = null;
        Tensor? input = null, output = null;
        var calls = 0;
        // Aliases taken out of every dispose scope: under no_grad TorchSharp's Sequential disposes a layer's
        // output once the next layer has run, and a model's forward may free its intermediates in a scope of its own.
        var pre = head.register_forward_pre_hook((_, x) =>
        {
            calls++;
            input?.Dispose();
            input = x.alias().DetachFromDisposeScope();
            return x;
        });
        var post = head.register_forward_hook((_, _, y) =>
        {
            output?.Dispose();
            output = y.alias().DetachFromDisposeScope();
            return y;
        });
        try
        {
            using var noGrad = no_grad();
            using var oneDnn = OneDnnSwitch.For([model], lowPrecision: false);
            using var rows = new RowWriter(data.Count);
            long start = 0;
            foreach (var batch in InputBatches.Of(data, Evaluator.DefaultBatchSize))
            {
                using var scope = NewDisposeScope();
                using var inputs = batch;
                calls = 0;
                var logits = model.call(inputs);
                if (calls != 1)
                {
                    reason = $"the head runs {calls} times in a forward pass";
                    return null;
                }
                if (start == 0)
                {
                    // The model's output must be the head's, or the head alone would train towards something else.
                    if (!logits.shape.SequenceEqual(output!.shape) || !logits.eq(output).all().item<bool>())
                    {
                        reason = "the model's output is not its head's";
                        return null;
                    }
                    var bytes = rowCount * (input!.numel() / input.shape[0]) * sizeof(float);
                    if (bytes > CachedTeacher.MaxFeatureBytes)
                    {
                        reason = FormattableString.Invariant($"its {rowCount:N0} rows of head inputs would take {bytes / 1048576.0:F0} MiB, over the {CachedTeacher.MaxFeatureBytes >> 20} MiB a cache may hold");
                        return null;
                    }
                }
                rows.Write(start, input!.to(ScalarType.Float32));
                start += inputs.shape[0];
                input.Dispose();
                output!.Dispose();
                (input, output) = (null, null);
            }
            return rows.Take();
        }
        finally
        {
            pre.remove();
            post.remove();
            input?.Dispose();
            output?.Dispose();
        }
    }

    public void Dispose()
    {
        Train.Dispose();
        Validation.Dispose();
    }
}
