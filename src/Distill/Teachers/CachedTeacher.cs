using Distill.Data;
using Distill.Evaluation;
using Distill.Features;
using static TorchSharp.torch;
using Distill.Native;

namespace Distill.Teachers;

/// <summary>
/// A frozen teacher's outputs on the un-augmented training set, computed once and looked up by
/// row: logits always, and the layers feature methods read when they fit in
/// <see cref="MaxFeatureBytes"/>. Shared by every student of a study that sees the same inputs.
/// </summary>
public sealed class CachedTeacher : ITeacherSource, IDisposable
{
    /// <summary>
    /// Cached feature maps are held in memory for the whole training set; beyond this size the
    /// teacher runs live instead (bench/RESULTS.md measures both).
    /// </summary>
    public const long MaxFeatureBytes = 2L << 30;

    private readonly Tensor _logits;
    private readonly Dictionary<string, Tensor> _features;

    private CachedTeacher(Tensor logits, Dictionary<string, Tensor> features, IReadOnlyList<string> layers)
    {
        _logits = logits;
        _features = features;
        Layers = layers;
    }

    public IReadOnlyList<string> Layers { get; }

    public bool IsCached => true;

    /// <summary>Bytes the cached features of <paramref name="layers"/> would take for <paramref name="rows"/> samples.</summary>
    public static long FeatureBytes(IReadOnlyList<LayerShape> layers, long rows, long elementBytes = 4) =>
        layers.Sum(l => l.Shape.Aggregate(1L, (a, b) => a * b)) * rows * elementBytes;

    /// <summary>Runs the teacher once over <paramref name="features"/> in eval mode, in batches, keeping logits and the named layers.</summary>
    public static CachedTeacher Compute(nn.Module<Tensor, Tensor> teacher, Tensor features, IReadOnlyList<string> layers, int batchSize = Evaluator.DefaultBatchSize) =>
        Compute(teacher, InputBatches.Of(features, batchSize), features.shape[0], layers);

    /// <summary>Runs the teacher once over every row of <paramref name="train"/> in order (streamed data is decoded as it goes).</summary>
    public static CachedTeacher Compute(nn.Module<Tensor, Tensor> teacher, LabeledDataset train, IReadOnlyList<string> layers, int batchSize = Evaluator.DefaultBatchSize) =>
        Compute(teacher, InputBatches.Of(train, batchSize), train.Count, layers);

    private static CachedTeacher Compute(nn.Module<Tensor, Tensor> teacher, IEnumerable<Tensor> batches, long count, IReadOnlyList<string> layers)
    {
        LiveTeacher.Freeze(teacher);
        using var live = new LiveTeacher(teacher, layers);
        using var oneDnn = OneDnnSwitch.For([teacher], lowPrecision: false);
        using var logits = new RowWriter(count);
        var featureRows = layers.ToDictionary(l => l, _ => new RowWriter(count));
        try
        {
            long start = 0;
            foreach (var input in batches)
            {
                using var scope = NewDisposeScope();
                using var batch = input;
                var outputs = live.Outputs(batch, batch);
                logits.Write(start, outputs.Logits);
                foreach (var layer in layers) featureRows[layer].Write(start, outputs.Features[layer]);
                start += batch.shape[0];
            }
            var cached = featureRows.ToDictionary(kv => kv.Key, kv => kv.Value.Take());
            return new CachedTeacher(logits.Take(), cached, layers);
        }
        finally
        {
            foreach (var rows in featureRows.Values) rows.Dispose();
            FreedMemory.Release();
        }
    }

    /// <summary>A cache of logits computed earlier (<see cref="LogitsCache"/>), with no feature maps.</summary>
    public static CachedTeacher FromLogits(Tensor logits) => new(logits, [], []);

    /// <summary>The logits, handed to the caller, who disposes them; the feature maps are freed.</summary>
    public Tensor TakeLogits()
    {
        foreach (var feature in _features.Values) feature.Dispose();
        _features.Clear();
        return _logits;
    }

    /// <summary>The teacher's logits for every training row (row order).</summary>
    public Tensor Logits => _logits;

    public TeacherOutputs Outputs(Tensor inputs, Tensor rows) =>
        new(_logits.index_select(0, rows), _features.ToDictionary(kv => kv.Key, kv => kv.Value.index_select(0, rows)));

    public void Dispose()
    {
        _logits.Dispose();
        foreach (var feature in _features.Values) feature.Dispose();
    }
}
