using System.Text.RegularExpressions;

namespace Distill.Methods;

/// <summary>
/// Every distillation method by name. A study names one (<c>kd</c>) or several joined by '+'
/// (<c>kd+at</c>): each adds its own named terms to the one cross-entropy with the labels.
/// Methods enter by <see cref="Register{T}"/>: the library's own here, a user's at the start of
/// their program. Registration is explicit rather than found by scanning loaded assemblies, so
/// which methods exist never depends on which assemblies happen to be loaded, and a name taken
/// twice is refused where it is registered.
/// </summary>
public static partial class MethodRegistry
{
    private static readonly Lock Gate = new();
    private static readonly Dictionary<string, Type> Owners = new(StringComparer.Ordinal);
    private static readonly HashSet<MethodDescriptor> BuiltIn = [];
    private static IReadOnlyList<MethodDescriptor> _all = [];
    private static bool _sealed;

    static MethodRegistry()
    {
        Register<HintonKd>();
        Register<FitNets>();
        Register<AttentionTransfer>();
        Register<SimilarityPreserving>();
        Register<Relational>();
        Register<ProbabilisticTransfer>();
        Register<NeuronSelectivity>();
        Register<Decoupled>();
        Register<Contrastive>();
        Register<LogitStandardization>();
        BuiltIn.UnionWith(_all);
        // Written only where given, like a user's method: config.json files of runs that do not use
        // them keep the bytes they had, so those runs still resume.
        Register<MeanSquaredLogits>();
        Register<ReverseKl>();
        Register<JensenShannon>();
    }

    /// <summary>Every registered method, the library's first, then in the order registered.</summary>
    public static IReadOnlyList<MethodDescriptor> All => Volatile.Read(ref _all);

    /// <summary>
    /// Adds <typeparamref name="T"/>, described by its <see cref="IDescribedMethod.Descriptor"/>, to
    /// --method, --method-option, experiment files, `distill methods` and <see cref="DistillationOptions"/>.
    /// Registering the same class again does nothing. Register before Distill first reads or writes
    /// distillation options: their JSON shape is fixed then.
    /// </summary>
    public static void Register<T>() where T : DistillationMethod, IDescribedMethod
    {
        var method = T.Descriptor;
        lock (Gate)
        {
            if (Owners.TryGetValue(method.Name, out var owner))
            {
                if (owner == typeof(T)) return;
                throw new DistillException($"The method name '{method.Name}' is taken by {owner.FullName}; give {typeof(T).FullName} another name.");
            }
            if (!Name().IsMatch(method.Name) || DistillationOptions.TopLevelKeys.Contains(method.Name))
                throw new DistillException($"The method name '{method.Name}' of {typeof(T).FullName} must be lower-case letters, digits and '-', starting with a letter, and not one of {string.Join(", ", DistillationOptions.TopLevelKeys)}.");
            if (method.OptionsType is { } type && _all.FirstOrDefault(m => m.OptionsType == type) is { } sharer)
                throw new DistillException($"The options type {type.FullName} of '{method.Name}' already belongs to '{sharer.Name}'; give each method its own options record.");
            if (_sealed)
                throw new DistillException($"The method '{method.Name}' is registered after Distill first read or wrote distillation options; register methods at the start of the program.");
            Owners.Add(method.Name, typeof(T));
            Volatile.Write(ref _all, [.. _all, method]);
        }
    }

    public static MethodDescriptor Find(string name) =>
        All.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new DistillException($"There is no distillation method '{name}'; the methods are {string.Join(", ", All.Select(m => m.Name))}.");

    /// <summary>The method whose options are a <paramref name="optionsType"/>.</summary>
    public static MethodDescriptor ForOptions(Type optionsType) =>
        All.FirstOrDefault(m => m.OptionsType == optionsType)
        ?? throw new DistillException($"No registered method takes options of type {optionsType.FullName}; register its method with MethodRegistry.Register.");

    /// <summary>The methods of "a+b+c", in order; a method named twice is an error.</summary>
    public static IReadOnlyList<MethodDescriptor> Parse(string methods)
    {
        var names = methods.Split('+', StringSplitOptions.TrimEntries);
        if (names.Any(n => n.Length == 0))
            throw new DistillException($"The method '{methods}' has an empty part; name methods joined by '+', e.g. kd+at.");
        var found = names.Select(Find).ToList();
        if (found.Select(m => m.Name).Distinct().Count() != found.Count)
            throw new DistillException($"The method '{methods}' names a method twice.");
        return found;
    }

    /// <summary>
    /// True for the library's first ten methods, whose blocks every config.json has listed since before
    /// methods could be registered: they are always written, so old run folders resume.
    /// </summary>
    internal static bool IsBuiltIn(MethodDescriptor method) => BuiltIn.Contains(method);

    /// <summary>The methods as the JSON contract of the options is built; no method may join after.</summary>
    internal static IReadOnlyList<MethodDescriptor> Seal()
    {
        lock (Gate)
        {
            _sealed = true;
            return _all;
        }
    }

    [GeneratedRegex("^[a-z][a-z0-9-]*$")]
    private static partial Regex Name();
}
