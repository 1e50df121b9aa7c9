using Distill.Evaluation;
using Distill.Features;
using static TorchSharp.torch;

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
    public static CachedTeacher Compute(nn.Module<Tensor, Tensor> teacher, Tensor features, IReadOnlyList<string> layers, int batchSize = Evaluator.DefaultBatchSize)
    {
        LiveTeacher.Freeze(teacher);
        using var live = new LiveTeacher(teacher, layers);
        var count = features.shape[0];
        using var logits = new RowWriter(count);
        var featureRows = layers.ToDictionary(l => l, _ => new RowWriter(count));
        try
        {
            for (long start = 0; start < count; start += batchSize)
            {
                using var scope = NewDisposeScope();
                using var batch = features.narrow(0, start, Math.Min(batchSize, count - start));
                var outputs = live.Outputs(batch, batch);
                logits.Write(start, outputs.Logits);
                foreach (var layer in layers) featureRows[layer].Write(start, outputs.Features[layer]);
            }
            var cached = featureRows.ToDictionary(kv => kv.Key, kv => kv.Value.Take());
            return new CachedTeacher(logits.Take(), cached, layers);
        }
        finally
        {
            foreach (var rows in featureRows.Values) rows.Dispose();
            NativeEnvironment.ReleaseFreedMemory();
        }
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
