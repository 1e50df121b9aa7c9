using Distill.Data;
using Distill.Experiments;
using Distill.Methods;
using Distill.Models;
using Distill.Native;
using Distill.Reports;
using Distill.Runs;

namespace Distill.Studies;

/// <summary>
/// A teacher, a student and the methods that carry one's knowledge into the other, run as a whole
/// study: <c>new Distiller(teacher, () => new Student()).With(new KdOptions(), new FitNetsOptions { ... }).Fit(train, validation, test)</c>.
/// Teacher and student are any <see cref="ModelSource"/>: the user's own modules, spec strings, saved
/// models or an ensemble. Fit writes the run folder the command line writes (config.json, metrics.jsonl,
/// every model's weights and card, results.json, report.html) and resumes a killed run byte-identically.
/// Methods that read layers name them by module path (<c>named_modules()</c>) of either model; a wrong
/// path is refused before anything trains, naming the paths that exist.
/// </summary>
public sealed class Distiller
{
    private readonly List<IValidatable> _methods = [];

    /// <param name="teacher">The model to learn from: an instance is used as it is; a spec or a factory is trained first.</param>
    /// <param name="student">The model that learns: a factory or a spec (built twice: from scratch and distilled), or an instance, distilled in place.</param>
    public Distiller(ModelSource teacher, ModelSource student)
    {
        Teacher = teacher ?? throw new ArgumentNullException(nameof(teacher));
        Student = student ?? throw new ArgumentNullException(nameof(student));
    }

    public ModelSource Teacher { get; }

    public ModelSource Student { get; }

    /// <summary>Weight of the cross-entropy with the labels; null takes the first method's default (0.1 for kd, 1 for most feature methods).</summary>
    public double? HardLabelWeight { get; init; }

    /// <summary>
    /// When set, kd's temperature and weights are chosen on the validation split before the distilled
    /// student trains (<see cref="DistillationTuner"/>: every trial trains the student's own model
    /// source, a module of yours included); the search is kept as tune.json in the student's folder.
    /// Needs kd as the only method.
    /// </summary>
    public TuneOptions? Tune { get; init; }

    /// <summary>
    /// Adds methods, each as its options record (<see cref="KdOptions"/>, <see cref="FitNetsOptions"/>, a registered
    /// method's own); they add their terms in this order. None given: Hinton KD with its defaults.
    /// </summary>
    public Distiller With(params IValidatable[] methods)
    {
        ArgumentNullException.ThrowIfNull(methods);
        if (methods.Any(m => m is null)) throw new DistillException("A method given to Distiller.With is null.");
        _methods.AddRange(methods);
        return this;
    }

    /// <summary>The methods and weights as the study records them (config.json, --method's spelling).</summary>
    public DistillationOptions Distillation()
    {
        var options = new DistillationOptions { HardLabelWeight = HardLabelWeight };
        var names = new List<string>();
        foreach (var method in _methods.Count == 0 ? [new KdOptions()] : _methods)
        {
            if (method is KdOptions kd)
            {
                kd.Validate();
                options = options with { Temperature = kd.Temperature, SoftTargetWeight = kd.SoftTargetWeight, TemperatureWarmupEpochs = kd.TemperatureWarmupEpochs };
                names.Add(HintonKd.Descriptor.Name);
                continue;
            }
            names.Add(MethodRegistry.ForOptions(method.GetType()).Name);
            options = options.WithBlock(method);
        }
        options = options with { Method = string.Join("+", names) };
        options.Validate();
        return options;
    }

    /// <summary>Distils on the user's own tensors, used as given; the caller keeps the data sets.</summary>
    public ExperimentResult Fit(LabeledDataset train, LabeledDataset validation, LabeledDataset test, FitOptions? options = null)
    {
        using var data = StudyData.Of(train, validation, test);
        return Fit(data, options);
    }

    /// <summary>Distils on one of Distill's data sources (a data set's name, an IDX, CIFAR or image folder, a CSV file).</summary>
    public ExperimentResult Fit(DataSelection data, FitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        options ??= new FitOptions();
        using var loaded = StudyData.Load(data, options.ValidationCount, options.Student.Seed, options.Observer?.Messages);
        return Fit(loaded, options);
    }

    /// <summary>Distils on data already split three ways.</summary>
    public ExperimentResult Fit(StudyData data, FitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        options ??= new FitOptions();
        var distillation = Distillation();
        options.Student.Validate();
        options.Teacher.Validate();
        if (options.Resume && options.Out is null)
            throw new DistillException("Resuming needs the run folder: set FitOptions.Out to the folder of the run to continue.");
        if (Tune is not null) DistillationTuner.Check(distillation, Tune);
        var roles = Roles(distillation, options);
        CheckLayers(distillation, data, options.Student.Seed);
        var config = Json.Serialize(new
        {
            Teacher = Teacher.Description,
            Student = Student.Description,
            Distillation = distillation,
            Tune,
            TeacherTraining = options.Teacher,
            StudentTraining = options.Student,
            options.Scratch,
            Data = new { data.Info.Name, data.Info.SampleShape, data.Info.ClassCount, Train = data.Train.Count, Validation = data.Validation.Count, Test = data.Test.Count },
        });
        var folder = options.Resume ? RunFolder.Open(options.Out!) : RunFolder.Claim(options.Out ?? RunFolder.DefaultPath("distiller"), options.Replace);
        var seed = options.Student.Seed;
        var scratch = roles.Any(r => r.Folder == "scratch");
        var plan = new StudyPlan(null, null, seed, roles)
        {
            Config = config,
            Command = "a program using Distiller",
            TeacherFolder = "teacher",
            Points = scratch ? [new PlannedPoint(SweepPoint.Base, seed, "scratch", "distilled", "", [])] : [],
        };
        var pipeline = new StudyPipeline(options.Observer, options.Cancellation, options.Resume);
        return folder.Run(run => pipeline.Run(plan, data, run));
    }

    /// <summary>The teacher's roles (its last is the teacher itself), the scratch twin when asked for and possible, the distilled student.</summary>
    private IReadOnlyList<StudyRole> Roles(DistillationOptions distillation, FitOptions options)
    {
        var teacher = Teacher.Roles(ModelRole.Teacher, "teacher", options.Teacher);
        var distilled = Student.Distilled("distilled", options.Student, teacher[^1].Folder, distillation) with { Tune = Tune };
        var scratch = options.Scratch && !Student.IsInstance ? Student.Roles(ModelRole.Scratch, "scratch", options.Student) : [];
        return [.. teacher, .. scratch, distilled];
    }

    /// <summary>
    /// Builds each method that reads layers once against both models' layers and throws it away, so a
    /// wrong module path is refused (naming the paths that exist) before a folder is made or a model trained.
    /// </summary>
    private void CheckLayers(DistillationOptions distillation, StudyData data, int seed)
    {
        var readers = distillation.Methods().Where(m => m.ReadsLayers).ToList();
        if (readers.Count == 0) return;
        var shape = data.Train.SampleShape;
        var classes = data.Info.ClassCount;
        if (Student.Layers(shape, classes) is not { } student || Teacher.Layers(shape, classes) is not { } teacher) return;
        var context = new MethodContext(student, teacher, classes, data.Train.Count, seed);
        foreach (var reader in readers) reader.Create(distillation, context).Dispose();
    }
}
