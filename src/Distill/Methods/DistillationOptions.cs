using System.Text.Json;
using Distill.Losses;

namespace Distill.Methods;

/// <summary>
/// What a distilled student learns from: one method or several joined by '+' (e.g. "kd+at"), the
/// weight of the cross-entropy with the labels, and each method's own options. Every weight is named
/// for the term it scales. Only the options of the methods named in <see cref="Method"/> are used.
/// Hinton KD's options sit at the top level; every other method keeps a block under its own name
/// (<c>"at": { "attentionWeight": 500 }</c>), read and written for every registered method.
/// </summary>
public sealed record DistillationOptions
{
    private static readonly IReadOnlyDictionary<string, object> NoBlocks = new Dictionary<string, object>();

    /// <summary>The blocks given, by method name; a method without one takes its defaults.</summary>
    private IReadOnlyDictionary<string, object> _blocks = NoBlocks;

    /// <summary>Method names from the registry (`distill methods`), joined by '+'.</summary>
    public string Method { get; init; } = "kd";

    /// <summary>Softmax temperature T of Hinton KD's soft targets.</summary>
    public double Temperature { get; init; } = 4.0;

    /// <summary>Weight of the cross-entropy with the true labels; null takes the first method's default (0.1 for kd, 1 for most feature methods).</summary>
    public double? HardLabelWeight { get; init; }

    /// <summary>Weight of Hinton KD's T^2-scaled KL divergence to the teacher's soft targets.</summary>
    public double SoftTargetWeight { get; init; } = 0.9;

    /// <summary>
    /// Epochs over which kd's temperature rises linearly from 1 to <see cref="Temperature"/>:
    /// 1 + (T - 1) min((epoch - 1) / N, 1), epochs from 1, so the first epoch runs at T 1 and T is reached
    /// at epoch N + 1; 0 keeps T from the first step. A fresh student fits the teacher's softened logits
    /// slowly, so short budgets at a fixed T 4 lose to scratch; the 20-epoch default does not, and gains
    /// more than a fixed T on long ones (docs/methods.md). Always written: a run folder's config.json
    /// without it was written when the default was 0 and is read so (<see cref="Runs.RunConfig"/>).
    /// </summary>
    public int TemperatureWarmupEpochs { get; init; } = DefaultTemperatureWarmupEpochs;

    /// <summary>kd's temperature warm-up unless one is given, in epochs.</summary>
    public const int DefaultTemperatureWarmupEpochs = 20;

    /// <summary>The keys above as files spell them; no method may take one as its name.</summary>
    internal static IReadOnlySet<string> TopLevelKeys { get; } = typeof(DistillationOptions).GetProperties()
        .Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name)).ToHashSet(StringComparer.Ordinal);

    /// <summary>The options of the registered method that takes a <typeparamref name="T"/>: the ones given, or its defaults.</summary>
    public T Of<T>() where T : class, IValidatable => (T)MethodRegistry.ForOptions(typeof(T)).Options(this);

    /// <summary>A copy with <paramref name="options"/> as the options of the registered method that takes a <typeparamref name="T"/>.</summary>
    public DistillationOptions With<T>(T options) where T : class, IValidatable => WithBlock(options);

    /// <summary>A copy with <paramref name="options"/> as the options of the registered method that takes its type.</summary>
    internal DistillationOptions WithBlock(IValidatable options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var copy = this with { };
        copy._blocks = new Dictionary<string, object>(_blocks) { [MethodRegistry.ForOptions(options.GetType()).Name] = options };
        return copy;
    }

    /// <summary>The registry entries of <see cref="Method"/>, in order.</summary>
    public IReadOnlyList<MethodDescriptor> Methods() => MethodRegistry.Parse(Method);

    /// <summary>The hard-label weight in force: the one given, or the first method's default.</summary>
    public double ResolvedHardLabelWeight() => HardLabelWeight ?? Methods()[0].DefaultHardLabelWeight;

    /// <summary>The block of method <paramref name="name"/>, or <paramref name="defaults"/>' when none was given.</summary>
    internal object Block(string name, Func<object> defaults) => _blocks.TryGetValue(name, out var block) ? block : defaults();

    /// <summary>True when a block was given for method <paramref name="name"/>.</summary>
    internal bool States(string name) => _blocks.ContainsKey(name);

    /// <summary>Sets a block on options the JSON reader has just built, before anyone else sees them.</summary>
    internal void ReadBlock(string name, object block) =>
        _blocks = new Dictionary<string, object>(_blocks) { [name] = block };

    /// <summary>
    /// Equal when every option in force is: a block given with its defaults equals no block, so
    /// options read from a file equal the same options built in code.
    /// </summary>
    public bool Equals(DistillationOptions? other) =>
        other is not null && Method == other.Method && Temperature == other.Temperature
        && HardLabelWeight == other.HardLabelWeight && SoftTargetWeight == other.SoftTargetWeight
        && TemperatureWarmupEpochs == other.TemperatureWarmupEpochs
        && MethodRegistry.All.Where(m => m.OptionsType is not null).All(m => Equals(m.Options(this), m.Options(other)));

    public override int GetHashCode() => HashCode.Combine(Method, Temperature, HardLabelWeight, SoftTargetWeight, TemperatureWarmupEpochs);

    public void Validate()
    {
        if (Method is null) throw new DistillException("The distillation options lack a method.");
        var methods = Methods();
        TemperatureCheck.Check(Temperature);
        if (HardLabelWeight is { } hard) OptionCheck.Weight(hard, "hardLabelWeight");
        OptionCheck.Weight(SoftTargetWeight, "softTargetWeight");
        OptionCheck.Count(TemperatureWarmupEpochs, "temperatureWarmupEpochs", 0, 100_000);
        foreach (var method in methods)
            if (method.Options(this) is IValidatable options) options.Validate();
        if (methods.Count == 1 && methods[0].Name == "kd" && ResolvedHardLabelWeight() == 0 && SoftTargetWeight == 0)
            throw new DistillException("The hard-label weight and the soft-target weight cannot both be 0.");
    }

    public override string ToString()
    {
        var parts = new List<string>();
        if (Method != "kd") parts.Add(Method);
        var methods = Methods();
        if (methods.Any(m => m.Name == "kd")) parts.Add(FormattableString.Invariant($"T={Temperature:g4}"));
        parts.Add(FormattableString.Invariant($"hard={ResolvedHardLabelWeight():g4}"));
        if (methods.Any(m => m.Name == "kd")) parts.Add(FormattableString.Invariant($"soft={SoftTargetWeight:g4}"));
        if (methods.Any(m => m.Name == "kd") && TemperatureWarmupEpochs > 0) parts.Add($"T warm-up {TemperatureWarmupEpochs} ep");
        foreach (var method in methods.Where(m => m.Name != "kd")) parts.Add(method.Options(this).ToString()!);
        return string.Join(", ", parts);
    }
}
