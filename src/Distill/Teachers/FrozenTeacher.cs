using Distill.Data;
using Distill.Features;
using static TorchSharp.torch;

namespace Distill.Teachers;

/// <summary>
/// A study's frozen teacher and the sources its students draw from. Without augmentation the
/// teacher's outputs never change, so they are computed once (logits always, feature maps when they
/// fit in memory) and shared by every student; with augmentation each student gets a live source.
/// </summary>
public sealed class FrozenTeacher : IDisposable
{
    private readonly LabeledDataset? _train;
    private readonly Tensor? _trainFeatures;
    private readonly Dictionary<string, CachedTeacher> _caches = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ViewCachedTeacher> _viewCaches = new(StringComparer.Ordinal);
    private readonly long _maxFeatureBytes;
    private IReadOnlyList<LayerShape>? _layers;

    /// <param name="maxFeatureBytes">Largest feature cache to hold; layers needing more are read from a live teacher.</param>
    public FrozenTeacher(nn.Module<Tensor, Tensor> module, Tensor trainFeatures, long maxFeatureBytes = CachedTeacher.MaxFeatureBytes)
        : this(module, maxFeatureBytes)
    {
        _trainFeatures = trainFeatures;
    }

    /// <summary>A teacher of students trained on <paramref name="train"/>, held in memory or streamed.</summary>
    public FrozenTeacher(nn.Module<Tensor, Tensor> module, LabeledDataset train, long maxFeatureBytes = CachedTeacher.MaxFeatureBytes)
        : this(module, maxFeatureBytes)
    {
        _train = train;
    }

    private FrozenTeacher(nn.Module<Tensor, Tensor> module, long maxFeatureBytes)
    {
        LiveTeacher.Freeze(module);
        Module = module;
        _maxFeatureBytes = maxFeatureBytes;
    }

    private long[] SampleShape => _trainFeatures?.shape[1..] ?? _train!.SampleShape;

    private long Count => _trainFeatures?.shape[0] ?? _train!.Count;

    public nn.Module<Tensor, Tensor> Module { get; }

    /// <summary>Where the logits of the un-augmented training set are kept between processes; null computes them in each.</summary>
    public LogitsCache? LogitsFile { get; init; }

    /// <summary>The teacher's layers with their output shapes; an imported teacher or an ensemble has none to offer, and says so.</summary>
    public IReadOnlyList<LayerShape> Layers => _layers ??= Module switch
    {
        ImportedTeacher imported => throw new DistillException(imported.NoLayersMessage),
        TeacherEnsemble => throw new DistillException(TeacherEnsemble.NoLayersMessage),
        _ => FeatureProbe.Layers(Module, SampleShape),
    };

    /// <summary>
    /// A source of the teacher's logits and <paramref name="layers"/>. Cached sources belong to this
    /// object; a live one (<paramref name="augmented"/> inputs, or features too large to cache) belongs
    /// to the caller, who disposes it. Augmented inputs whose <paramref name="augmentation"/> makes a
    /// finite set of views of each image (flips, shifts) share a cache per view
    /// (<see cref="ViewCachedTeacher"/>) where only logits are read and the training set is in memory.
    /// A teacher run inside the student's steps (live or per view) computes in <paramref name="precision"/>,
    /// the student's; the outputs of un-augmented inputs are computed once, in float32.
    /// </summary>
    public ITeacherSource Source(IReadOnlyList<string> layers, bool augmented, IReadOnlyList<Data.Augmentation.IImageTransform>? augmentation = null,
        Training.Precision precision = Training.Precision.Float32)
    {
        if (augmented) return ViewCache(layers, augmentation, precision) ?? (ITeacherSource)new LiveTeacher(Module, layers, precision);
        var shapes = layers.Select(l => Layers.FirstOrDefault(s => s.Name == l)
            ?? throw new DistillException($"The teacher has no layer '{l}'; its layers are {string.Join(", ", Layers.Select(s => s.Name))}.")).ToList();
        if (CachedTeacher.FeatureBytes(shapes, Count) > _maxFeatureBytes) return new LiveTeacher(Module, layers, precision);
        var key = string.Join("|", layers);
        if (!_caches.TryGetValue(key, out var cache))
            _caches[key] = cache = layers.Count == 0 && LogitsFile is { } file
                ? CachedTeacher.FromLogits(file.GetOrCompute(() => Compute(layers).TakeLogits()))
                : Compute(layers);
        return cache;
    }

    private CachedTeacher Compute(IReadOnlyList<string> layers) =>
        _train is null ? CachedTeacher.Compute(Module, _trainFeatures!, layers) : CachedTeacher.Compute(Module, _train, layers);

    private ViewCachedTeacher? ViewCache(IReadOnlyList<string> layers, IReadOnlyList<Data.Augmentation.IImageTransform>? augmentation, Training.Precision precision)
    {
        var features = _trainFeatures ?? (_train is { IsStreamed: false } ? _train.Features : null);
        if (layers.Count > 0 || augmentation is null || features is null || Module is ImportedTeacher or TeacherEnsemble) return null;
        var key = $"{Data.Augmentation.Augmentations.Format(augmentation)}|{precision}";
        if (_viewCaches.TryGetValue(key, out var cache)) return cache;
        var classes = ClassCount(features);
        cache = ViewCachedTeacher.TryCreate(Module, features, augmentation, classes, _maxFeatureBytes, precision);
        if (cache is not null) _viewCaches[key] = cache;
        return cache;
    }

    // The teacher's output width, from one forward pass of one training row.
    private long ClassCount(Tensor features)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        return Module.call(features[..1]).shape[1];
    }

    public void Dispose()
    {
        foreach (var cache in _viewCaches.Values) cache.Dispose();
        _viewCaches.Clear();
        foreach (var cache in _caches.Values) cache.Dispose();
        _caches.Clear();
    }
}
