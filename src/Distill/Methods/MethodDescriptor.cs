namespace Distill.Methods;

/// <summary>
/// A method as the registry lists it: its name, what it does, its paper, its options and how to build
/// it. A method class keeps one beside itself (<see cref="IDescribedMethod.Descriptor"/>), made by
/// <see cref="For{TOptions}"/>, so the class, its options record and its entry cannot drift apart.
/// </summary>
public sealed class MethodDescriptor
{
    private readonly Func<DistillationOptions, object> _options;
    private readonly Func<DistillationOptions, MethodContext, DistillationMethod> _create;

    internal MethodDescriptor(
        string name, string description, string paper, double defaultHardLabelWeight, bool readsLayers, Type? optionsType,
        Func<DistillationOptions, object> options, Func<DistillationOptions, MethodContext, DistillationMethod> create)
    {
        Name = name;
        Description = description;
        Paper = paper;
        DefaultHardLabelWeight = defaultHardLabelWeight;
        ReadsLayers = readsLayers;
        OptionsType = optionsType;
        _options = options;
        _create = create;
    }

    /// <summary>
    /// The entry of a method whose options are a <typeparamref name="TOptions"/> record, kept in the
    /// distillation options under the method's name (<c>"at": { "attentionWeight": 500 }</c>).
    /// </summary>
    /// <param name="name">The name used by --method, --method-option and experiment files: lower-case letters, digits and '-'.</param>
    /// <param name="description">One line for `distill methods`.</param>
    /// <param name="paper">Authors, year and title.</param>
    /// <param name="defaultHardLabelWeight">Weight of the cross-entropy with the labels when the method leads and none is given (the reference implementation's value).</param>
    /// <param name="create">Builds the method for one student and teacher from its options.</param>
    /// <param name="readsLayers">True when the method reads intermediate layers, so both models' layers are probed before it is built.</param>
    public static MethodDescriptor For<TOptions>(
        string name, string description, string paper, double defaultHardLabelWeight,
        Func<TOptions, MethodContext, DistillationMethod> create, bool readsLayers = false)
        where TOptions : class, IValidatable, new() =>
        new(name, description, paper, defaultHardLabelWeight, readsLayers, typeof(TOptions),
            o => o.Block(name, static () => new TOptions()),
            (o, context) => create((TOptions)o.Block(name, static () => new TOptions()), context));

    /// <summary>The name used by --method, --method-option and experiment files ("kd", "at", ...).</summary>
    public string Name { get; }

    /// <summary>One line for `distill methods`.</summary>
    public string Description { get; }

    /// <summary>Authors, year and title.</summary>
    public string Paper { get; }

    /// <summary>Weight of the cross-entropy with the labels when the method leads and none is given.</summary>
    public double DefaultHardLabelWeight { get; }

    /// <summary>True for methods that read intermediate layers, so both models' layers are probed before it is built.</summary>
    public bool ReadsLayers { get; }

    /// <summary>The type of the method's own block of options; null for kd, whose options sit at the top level.</summary>
    public Type? OptionsType { get; }

    /// <summary>The method's options within <paramref name="options"/>: the ones given, or its defaults.</summary>
    public object Options(DistillationOptions options) => _options(options);

    /// <summary>Builds the method for one student and teacher.</summary>
    public DistillationMethod Create(DistillationOptions options, MethodContext context) => _create(options, context);
}
