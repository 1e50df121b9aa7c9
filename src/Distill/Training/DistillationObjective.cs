using Distill.Features;
using Distill.Losses;
using Distill.Methods;
using Distill.Teachers;
using static TorchSharp.torch;

namespace Distill.Training;

/// <summary>
/// Distills from a frozen teacher with any set of methods: runs the student with its taps armed,
/// takes the teacher's outputs from its source (cached or live), and adds the hard-label term to
/// every method's terms. The methods' module is trained and checkpointed with the student.
/// </summary>
public sealed class DistillationObjective : ITrainingObjective, IDisposable
{
    private readonly ITeacherSource _teacher;
    private readonly FeatureTaps _studentTaps;
    private readonly double _hardLabelWeight;

    private DistillationObjective(ITeacherSource teacher, MethodSet methods, FeatureTaps studentTaps, double hardLabelWeight)
    {
        _teacher = teacher;
        Methods = methods;
        _studentTaps = studentTaps;
        _hardLabelWeight = hardLabelWeight;
    }

    /// <summary>
    /// Builds the methods of <paramref name="options"/> for <paramref name="student"/> (its layers
    /// probed with inputs of <paramref name="inputShape"/>) and <paramref name="teacher"/>, and
    /// attaches the taps they need. Inputs that change every epoch (<paramref name="augmented"/>)
    /// get a live teacher, or one cached per view where <paramref name="augmentation"/> makes a finite
    /// set of views (<see cref="ViewCachedTeacher"/>); others share the teacher's cache. A teacher run
    /// inside the steps computes in <paramref name="precision"/>, the student's training precision.
    /// </summary>
    public static DistillationObjective Create(
        nn.Module<Tensor, Tensor> student, FrozenTeacher teacher, DistillationOptions options,
        IReadOnlyList<long> inputShape, int classCount, long trainCount, int seed, bool augmented,
        IReadOnlyList<Data.Augmentation.IImageTransform>? augmentation = null, Precision precision = Precision.Float32)
    {
        options.Validate();
        var descriptors = options.Methods();
        var needsLayers = descriptors.Any(d => d.ReadsLayers);
        var context = new MethodContext(
            needsLayers ? FeatureProbe.Layers(student, inputShape) : [],
            needsLayers ? teacher.Layers : [],
            classCount, trainCount, seed);
        var methods = new MethodSet(descriptors.Select(d => (d.Name, d.Create(options, context))));
        FeatureTaps? taps = null;
        ITeacherSource? source = null;
        try
        {
            taps = new FeatureTaps(student, methods.StudentLayers, "student");
            source = teacher.Source(methods.TeacherLayers, augmented, augmentation, precision);
            return new DistillationObjective(source, methods, taps, options.ResolvedHardLabelWeight());
        }
        catch
        {
            taps?.Dispose();
            (source as LiveTeacher)?.Dispose();
            methods.Dispose();
            throw;
        }
    }

    /// <summary>The methods, their parameters and state.</summary>
    public MethodSet Methods { get; }

    /// <summary>True when teacher outputs come from the cache rather than a forward pass per step.</summary>
    public bool UsesCache => _teacher.IsCached;

    /// <summary>The student layers the methods read.</summary>
    public IReadOnlyList<string> StudentLayers => _studentTaps.Layers;

    /// <summary>The teacher layers the methods read.</summary>
    public IReadOnlyList<string> TeacherLayers => _teacher.Layers;

    /// <summary>The layers read, "student layers &lt;- teacher layers", as recorded in the hyperparameters.</summary>
    public string LayerPairs => $"{string.Join(", ", StudentLayers)} <- {string.Join(", ", TeacherLayers)}";

    /// <summary>One line for the log: what is read from where, the methods' own parameters, cached or live teacher.</summary>
    public string Describe()
    {
        var parts = new List<string>();
        if (StudentLayers.Count > 0) parts.Add($"student layers [{string.Join(", ", StudentLayers)}] learn from teacher layers [{string.Join(", ", TeacherLayers)}]");
        var own = Methods.parameters().Sum(p => p.numel());
        if (own > 0) parts.Add($"the methods train {own:N0} parameters of their own (not part of the student)");
        parts.Add(UsesCache ? "teacher outputs cached once"
            : _teacher is ViewCachedTeacher views ? $"teacher outputs cached per view ({views.ViewCount} views an image) as the steps meet them"
            : "teacher run on every batch");
        return string.Join("; ", parts);
    }

    /// <summary>True when the methods read no student layer and the teacher's outputs are looked up by row.</summary>
    public bool NeedsOnlyLogits => StudentLayers.Count == 0 && _teacher.IsCached;

    public nn.Module? Companion => Methods.parameters().Any() || Methods.buffers().Any() ? Methods : null;

    public IReadOnlyDictionary<string, Generator> Generators => Methods.Generators;

    public (Tensor Logits, LossTerms Terms) Step(nn.Module<Tensor, Tensor> model, Tensor inputs, Tensor labels, Tensor rows, int epoch)
    {
        Tensor logits;
        IReadOnlyDictionary<string, Tensor> studentFeatures;
        using (_studentTaps.Arm())
        {
            logits = model.call(inputs);
            studentFeatures = new Dictionary<string, Tensor>(_studentTaps.Outputs);
        }
        var teacher = _teacher.Outputs(inputs, rows);
        var step = new DistillationStep(logits, teacher.Logits, labels, studentFeatures, teacher.Features, rows, epoch);
        return (logits, Terms(Methods, _hardLabelWeight, step));
    }

    /// <summary>
    /// The loss terms of one step: hard_ce = HardLabelWeight * CE(y, z_s) when that weight is above 0,
    /// then every method's own terms.
    /// </summary>
    public static LossTerms Terms(MethodSet methods, double hardLabelWeight, DistillationStep step)
    {
        DistillationLosses.CheckShapes(step.StudentLogits, step.TeacherLogits);
        var terms = new LossTerms();
        if (hardLabelWeight > 0) terms.Add("hard_ce", DistillationLosses.HardLabelCrossEntropy(step.StudentLogits, step.Labels), hardLabelWeight);
        methods.AddTerms(terms, step);
        if (terms.Terms.Count == 0) terms.Add("hard_ce", DistillationLosses.HardLabelCrossEntropy(step.StudentLogits, step.Labels) * 0.0);
        return terms;
    }

    public void Dispose()
    {
        _studentTaps.Dispose();
        (_teacher as LiveTeacher)?.Dispose();
        Methods.Dispose();
    }
}
