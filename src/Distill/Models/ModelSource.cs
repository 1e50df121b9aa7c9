using Distill.Studies;
using Distill.Teachers;
using Distill.Training;
using static TorchSharp.torch;

namespace Distill.Models;

/// <summary>
/// Where a model of a study comes from: a spec string Distill builds (<c>mlp:128-32</c>), a saved
/// model (a run folder, a weights file, an ONNX or TorchScript file), an ensemble of sources, or a
/// module of the user's own: an instance, used as it is when it teaches and trained in place when it
/// learns, or a factory, called once per model (after seeding, so two students start from the same
/// weights) and again to rebuild a finished model when a run resumes. A user's module is saved in the
/// same checked format as any model; its card names its type and layers (<see cref="ModelCard.ModuleType"/>).
/// </summary>
public sealed class ModelSource
{
    private readonly Func<nn.Module<Tensor, Tensor>>? _factory;
    private readonly nn.Module<Tensor, Tensor>? _instance;
    private readonly string? _spec;
    private readonly string? _saved;
    private readonly IReadOnlyList<ModelSource>? _members;
    private readonly (EnsembleMode Mode, double Temperature) _ensemble;
    private string? _moduleSpec;
    private nn.Module<Tensor, Tensor>? _lastBuilt;

    private ModelSource(
        string? spec = null, string? saved = null, nn.Module<Tensor, Tensor>? instance = null, Func<nn.Module<Tensor, Tensor>>? factory = null,
        IReadOnlyList<ModelSource>? members = null, (EnsembleMode, double) ensemble = default)
    {
        _spec = spec;
        _saved = saved;
        _instance = instance;
        _factory = factory;
        _members = members;
        _ensemble = ensemble;
        if (instance is not null) _moduleSpec = UserModules.Spec(instance.GetType());
    }

    /// <summary>An architecture Distill builds from its spec (`distill models`), trained in the study.</summary>
    public static ModelSource Spec(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ModelSpec.Parse(spec);
        return new(spec: spec);
    }

    /// <summary>A saved model used as it is: a run folder (its teacher), a weights file with its card, or an ONNX or TorchScript file.</summary>
    public static ModelSource Saved(string path) => new(saved: path ?? throw new ArgumentNullException(nameof(path)));

    /// <summary>The user's own module: used as it is when it teaches, trained in place when it learns. Distill never disposes it.</summary>
    public static ModelSource Module(nn.Module<Tensor, Tensor> module) => new(instance: module ?? throw new ArgumentNullException(nameof(module)));

    /// <summary>The user's own module, built by <paramref name="factory"/> for every model that needs one (a new instance each call).</summary>
    public static ModelSource Module(Func<nn.Module<Tensor, Tensor>> factory) => new(factory: factory ?? throw new ArgumentNullException(nameof(factory)));

    /// <summary>Several teachers combined into one (their logits or probabilities averaged at <paramref name="temperature"/>).</summary>
    public static ModelSource Ensemble(IReadOnlyList<ModelSource> members, EnsembleMode mode = EnsembleMode.Logits, double temperature = 1)
    {
        if (members is null || members.Count < 2 || members.Any(m => m is null || m._members is not null))
            throw new DistillException("An ensemble combines two or more teachers, none of them an ensemble itself.");
        return new(members: members, ensemble: (mode, temperature));
    }

    public static implicit operator ModelSource(string spec) => Spec(spec);

    public static implicit operator ModelSource(nn.Module<Tensor, Tensor> module) => Module(module);

    public static implicit operator ModelSource(Func<nn.Module<Tensor, Tensor>> factory) => Module(factory);

    /// <summary>True for the user's own module, instance or factory.</summary>
    public bool IsModule => _instance is not null || _factory is not null;

    /// <summary>True for an instance the user holds: Distill trains it in place or uses it as it is, and never disposes it.</summary>
    public bool IsInstance => _instance is not null;

    /// <summary>The spec in tables and cards: the spec string, "module:TYPE", the saved file, or the ensemble's members.</summary>
    public string Description => _spec ?? _saved ?? ModuleSpec() ?? "ensemble:" + string.Join("+", _members!.Select(m => m.Description));

    public override string ToString() => Description;

    /// <summary>
    /// The roles that make this source's model in <paramref name="folder"/>: trained on the labels (a
    /// spec or a factory), loaded (a saved file), given (an instance), or an ensemble's members then
    /// their combination (the last role is the model itself).
    /// </summary>
    internal IReadOnlyList<StudyRole> Roles(ModelRole role, string folder, TrainingOptions training)
    {
        if (_saved is not null) return [StudyRole.Loaded(role, folder, _saved)];
        if (_members is { } members)
        {
            var made = members.Select((m, i) => m.Roles(ModelRole.Member, $"{folder}-{i + 1}", training with { Seed = training.Seed + i })).ToList();
            return [.. made.SelectMany(r => r), StudyRole.Combined(folder, [.. made.Select(r => r[^1].Folder)], _ensemble.Mode, _ensemble.Temperature)];
        }
        return [StudyRole.Trained(role, folder, Description, training) with { Source = IsModule ? this : null }];
    }

    /// <summary>The role of a student learning from the role in <paramref name="teacherFolder"/>.</summary>
    internal StudyRole Distilled(string folder, TrainingOptions training, string teacherFolder, Methods.DistillationOptions distillation)
    {
        if (_saved is not null || _members is not null)
            throw new DistillException($"The student '{Description}' is a saved model or an ensemble; a student is a spec or a module of your own that Distill trains.");
        return StudyRole.Distilled(folder, Description, training, teacherFolder, distillation) with { Source = IsModule ? this : null };
    }

    /// <summary>The module: the instance, or a new one from the factory (a factory that hands back a module it made before is refused).</summary>
    internal nn.Module<Tensor, Tensor> Build()
    {
        // As for every model Distill builds: the convolution check (a CPU whose oneDNN kernels compute
        // wrong convolutions gets libtorch's own) runs before the module's first forward pass.
        Native.NativeRuntime.EnsureReady();
        if (_instance is not null) return _instance;
        var made = _factory!() ?? throw NullFactory();
        if (ReferenceEquals(made, _lastBuilt))
            throw new DistillException($"The module factory returned the same {made.GetType().Name} twice; it must build a new module each time it is called (Distill trains each one on its own).");
        _lastBuilt = made;
        _moduleSpec ??= UserModules.Spec(made.GetType());
        return made;
    }

    /// <summary>The module holding the weights in <paramref name="weightsPath"/>: a factory's new one (disposed if they do not fit), or the instance.</summary>
    internal nn.Module<Tensor, Tensor> Load(string weightsPath)
    {
        if (_instance is null) return ModelStore.Into(Build(), weightsPath, Description);
        ModelStore.LoadWeights(_instance, weightsPath, Description);
        return _instance;
    }

    /// <summary>
    /// The layers of the model this source makes, with their output shapes, so a method's layer names
    /// are checked before anything trains: the instance probed, or a throwaway build (the random state
    /// put back). Null for a saved model or an ensemble, whose layers are known once loaded.
    /// </summary>
    internal IReadOnlyList<Features.LayerShape>? Layers(IReadOnlyList<long> inputShape, int classCount)
    {
        if (_instance is not null) return Features.FeatureProbe.Layers(_instance, inputShape);
        if (_saved is not null || _members is not null) return null;
        using var preserved = new RandomStatePreserver();
        using var model = _spec is not null
            ? ModelBuilder.Build(ModelSpec.Parse(_spec), inputShape, classCount)
            : _factory!() ?? throw NullFactory();
        _moduleSpec ??= _spec is null ? UserModules.Spec(model.GetType()) : null;
        return Features.FeatureProbe.Layers(model, inputShape);
    }

    /// <summary>Disposes <paramref name="module"/> unless it is the user's instance.</summary>
    internal void Release(nn.Module<Tensor, Tensor> module)
    {
        if (!ReferenceEquals(module, _instance)) module.Dispose();
    }

    /// <summary>"module:TYPE"; a factory not called yet is called once to learn its type, with the random state put back.</summary>
    private string? ModuleSpec()
    {
        if (_factory is null || _moduleSpec is not null) return _moduleSpec;
        using var preserved = new RandomStatePreserver();
        using var probe = _factory() ?? throw NullFactory();
        return _moduleSpec = UserModules.Spec(probe.GetType());
    }

    private static DistillException NullFactory() => new("The module factory returned null; it must build a new module each time it is called.");
}
