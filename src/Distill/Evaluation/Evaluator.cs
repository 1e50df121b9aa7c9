using Distill.Data;
using static TorchSharp.torch;
using Distill.Native;

namespace Distill.Evaluation;

/// <summary>Accuracy, loss, confusion matrix and raw logits of a model, in eval mode, without gradients.</summary>
public static class Evaluator
{
    // Large evaluation batches are slow on CPU convolutions: the Keras-example CNN teacher's
    // forward pass took 3.8 CPU-ms per image at 128 rows and 10.6 at 1,000 (bench/Profile, one
    // thread), which made caching its logits take longer than training an epoch.
    public const int DefaultBatchSize = 128;

    public static EvaluationResult Evaluate(nn.Module<Tensor, Tensor> model, LabeledDataset data, int batchSize = DefaultBatchSize)
    {
        using var logits = Logits(model, data, batchSize);
        return Evaluate(logits, data);
    }

    /// <summary>As <see cref="Evaluate(nn.Module{Tensor, Tensor}, LabeledDataset, int)"/>, also keeping every row's prediction and logits.</summary>
    public static (EvaluationResult Result, TestPredictions Predictions) EvaluateWithPredictions(
        nn.Module<Tensor, Tensor> model, LabeledDataset data, int batchSize = DefaultBatchSize)
    {
        using var logits = Logits(model, data, batchSize);
        var result = Evaluate(logits, data);
        return (result, TestPredictions.From(logits, data.Labels));
    }

    private static EvaluationResult Evaluate(Tensor logits, LabeledDataset data)
    {
        var classes = data.ClassCount;
        if (logits.shape[1] != classes)
            throw new DistillException($"The model predicts {logits.shape[1]} classes but '{data.Name}' has {classes}.");
        using var scope = NewDisposeScope();
        var loss = nn.functional.cross_entropy(logits, data.Labels).item<float>();
        var predictions = logits.argmax(1);
        var correct = predictions.eq(data.Labels).sum().item<long>();
        var counts = (data.Labels * classes + predictions).bincount(null, classes * classes).data<long>().ToArray();
        var confusion = Enumerable.Range(0, classes).Select(r => counts.AsSpan(r * classes, classes).ToArray()).ToArray();
        return new EvaluationResult(data.Count, correct, loss, confusion);
    }

    /// <summary>Logits for every row of <paramref name="features"/>, computed in batches in eval mode.</summary>
    public static Tensor Logits(nn.Module<Tensor, Tensor> model, Tensor features, int batchSize = DefaultBatchSize) =>
        Logits(model, InputBatches.Of(features, batchSize), features.shape[0]);

    /// <summary>Logits for every row of <paramref name="data"/> in order (streamed data is decoded as it goes).</summary>
    public static Tensor Logits(nn.Module<Tensor, Tensor> model, LabeledDataset data, int batchSize = DefaultBatchSize) =>
        Logits(model, InputBatches.Of(data, batchSize), data.Count);

    /// <summary>Logits of each batch (which this disposes), written in order into one tensor of <paramref name="count"/> rows.</summary>
    private static Tensor Logits(nn.Module<Tensor, Tensor> model, IEnumerable<Tensor> batches, long count)
    {
        var wasTraining = model.training;
        model.eval();
        try
        {
            using var noGrad = no_grad();
            using var oneDnn = OneDnnSwitch.For([model], lowPrecision: false);
            using var rows = new RowWriter(count);
            long start = 0;
            foreach (var input in batches)
            {
                using var batch = input;
                // A module that is not a Sequential (the zoo's) leaves its intermediates to this scope.
                using var scope = NewDisposeScope();
                rows.Write(start, model.call(batch));
                start += batch.shape[0];
            }
            return rows.Take();
        }
        finally
        {
            model.train(wasTraining);
        }
    }
}
