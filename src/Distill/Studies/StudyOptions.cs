using Distill.Data;
using Distill.Methods;
using Distill.Models;
using Distill.Teachers;
using Distill.Training;

namespace Distill.Studies;

/// <summary>
/// A whole distillation study: a teacher (trained here or loaded), the same student trained
/// from scratch, and that student distilled from the teacher, all judged on one test set.
/// </summary>
public sealed record StudyOptions
{
    /// <summary>Data set name (mnist, fashion-mnist).</summary>
    public string Dataset { get; init; } = "mnist";

    /// <summary>An IDX folder, a CIFAR binary folder, an image folder or a CSV file (detected from its contents); null fetches <see cref="Dataset"/> into the cache.</summary>
    public string? Data { get; init; }

    /// <summary>The older name of <see cref="Data"/>, still read; <see cref="Data"/> wins when both are set.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>Forces the data format: idx, cifar, images or csv; null detects it.</summary>
    public string? Format { get; init; }

    /// <summary>Side images are resized to (bilinear); null keeps the first training image's size.</summary>
    public int? ImageSize { get; init; }

    /// <summary>1 (grayscale) or 3 (RGB); null keeps the data's own.</summary>
    public int? Channels { get; init; }

    /// <summary>The class column of a CSV file (default "label").</summary>
    public string? LabelColumn { get; init; }

    /// <summary>False for a CSV file whose first row is data: columns are c1..cN and the label is the last unless <see cref="LabelColumn"/> says cN or N.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public bool? HasHeader { get; init; }

    /// <summary>True decodes an image folder on the fly by background workers, false holds it in memory; null decides by its size.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public bool? Stream { get; init; }

    /// <summary>Threads that decode a streamed image folder; null: one per core.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public int? Workers { get; init; }

    /// <summary>Largest image (width x height) an image folder may hold; null: 100 megapixels.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public long? MaxImagePixels { get; init; }

    /// <summary>How inputs are standardised (dataset, imagenet, none); null: the training set's statistics.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public InputNormalization? Normalize { get; init; }

    /// <summary>Rows without labels that the distilled students also learn from, by the teacher's soft terms only (<see cref="Data.TransferSet"/>); null: none.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public string? Transfer { get; init; }

    /// <summary>The share of the training rows that keep their labels (seeded); the others join the transfer set. Null: all.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public double? LabeledFraction { get; init; }

    /// <summary>The data part of these options.</summary>
    public DataSelection ToDataSelection() => new()
    {
        Dataset = Dataset,
        Path = Data ?? DataDirectory,
        Format = Format,
        ImageSize = ImageSize,
        Channels = Channels,
        LabelColumn = LabelColumn,
        HasHeader = HasHeader,
        Stream = Stream,
        Workers = Workers,
        MaxImagePixels = MaxImagePixels,
        Normalize = Normalize,
        Transfer = Transfer,
        LabeledFraction = LabeledFraction,
    };

    /// <summary>
    /// Training rows held out for model selection and early stopping when the data has no validation
    /// part of its own; null: 10 % of the training rows, at most 5,000 (<see cref="ValidationSplit"/>).
    /// </summary>
    public int? ValidationCount { get; init; }

    /// <summary>Teacher architecture, when the teacher is trained here (default: a small CNN, ~99% on MNIST in 3 epochs).</summary>
    public string TeacherSpec { get; init; } = "cnn:c32-relu-mp2-c64-relu-mp2-fc128-relu-drop0.3";

    /// <summary>A teacher saved by Distill (weights file with its .json card) to use instead of training one.</summary>
    public string? TeacherPath { get; init; }

    /// <summary>
    /// Several teachers combined into one (<see cref="Ensemble"/>): each a saved model (weights file,
    /// run folder, .onnx, .pt) or a spec trained here with the teacher's training options and seed
    /// plus its position (0, 1, 2...), so repeated specs are different seeds. Replaces the single teacher.
    /// </summary>
    public IReadOnlyList<string>? Teachers { get; init; }

    /// <summary>How <see cref="Teachers"/> are combined: logits, probabilities (at the distillation temperature) or confidence.</summary>
    public EnsembleMode Ensemble { get; init; } = EnsembleMode.Logits;

    /// <summary>
    /// A teacher-assistant chain (Mirzadeh et al. 2020), first the teacher (a spec or a saved model),
    /// last the student: each model between is an assistant distilled from the one before. Replaces
    /// the teacher and student specs; the scratch student and direct teacher-to-student distillation
    /// run beside the chain.
    /// </summary>
    public IReadOnlyList<string>? Chain { get; init; }

    /// <summary>The method of each step of <see cref="Chain"/> (one per arrow, e.g. kd, dkd); null uses the distillation method for every step.</summary>
    public IReadOnlyList<string>? ChainMethods { get; init; }

    /// <summary>
    /// Assistant sizes to choose from for a chain: each is distilled from the chain's teacher and
    /// distils its own copy of the student; the candidate whose student has the best validation
    /// accuracy is reported as the choice (the test split plays no part in it).
    /// </summary>
    public IReadOnlyList<string>? AssistantCandidates { get; init; }

    /// <summary>
    /// A capacity sweep (Cho and Hariharan 2019; Mirzadeh et al. 2020): more teachers (specs trained
    /// here, or saved models), each distilled into the same student beside the study's own teacher, so
    /// student accuracy can be read against teacher accuracy (capacity.png).
    /// </summary>
    public IReadOnlyList<string>? TeacherSweep { get; init; }

    /// <summary>Early-stopped versions of every teacher trained here (the study's and the sweep's): each
    /// retrained with only this many epochs and distilled into the student too (Cho and Hariharan's remedy).</summary>
    public IReadOnlyList<int>? EarlyStopEpochs { get; init; }

    /// <summary>
    /// Born-again networks (Furlanello et al. 2018): this many generations of the teacher's architecture,
    /// each distilled from the one before, and their ensemble, beside the students (<see cref="GenerationPlan"/>); null for none.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public int? Generations { get; init; }

    /// <summary>
    /// Deep mutual learning (Zhang et al. 2018): peers trained together from scratch, each learning from
    /// the others and its labels, beside the students (<see cref="MutualPlan"/>); null for none.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public MutualOptions? Mutual { get; init; }

    /// <summary>
    /// Data-free distillation (DAFL, Zero-Shot KD, DeepInversion): one more student of the student's spec,
    /// distilled from the teacher on inputs made from the teacher alone (<see cref="DataFreePlan"/>); null for none.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public DataFree.DataFreeOptions? DataFree { get; init; }

    /// <summary>Student architecture, shared by the scratch baseline and the distilled student.</summary>
    public string StudentSpec { get; init; } = "mlp:128-32";

    /// <summary>
    /// Classes (names or label numbers) whose rows the students never see, in training or validation:
    /// the transfer set of Hinton et al. 2015 §3 without the 3s. Teachers train on (or were trained on)
    /// every class; the test set keeps every class. Null or empty: the students see all.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? ExcludeClasses { get; init; }

    public TrainingOptions TeacherTraining { get; init; } = new() { Epochs = 3 };

    /// <summary>Training of both students: the baseline and the distilled one differ only in their loss.</summary>
    public TrainingOptions StudentTraining { get; init; } = new() { Epochs = 15 };

    public DistillationOptions Distillation { get; init; } = new();

    /// <summary>When set, kd's temperature and weights are chosen on the validation split before the distilled student trains (<c>--tune</c>).</summary>
    public TuneOptions? Tune { get; init; }

    public void Validate()
    {
        // Options may come from a file, where any part can be missing.
        if (Dataset is null || TeacherSpec is null || StudentSpec is null || TeacherTraining is null || StudentTraining is null || Distillation is null)
            throw new DistillException("The study options lack a data set, a model spec, training options or distillation options.");
        ToDataSelection().Validate();
        if (ExcludeClasses is { } excluded && excluded.Any(string.IsNullOrWhiteSpace))
            throw new DistillException("The classes to exclude (--exclude-classes) include an empty name.");
        if (ValidationCount is <= 0) throw new DistillException($"The validation split must hold at least 1 row, not {ValidationCount}.");
        if (TeacherPath is null) ModelSpec.Parse(TeacherSpec);
        else if (!File.Exists(TeacherPath)) throw Export.ModelLocator.Missing("teacher", TeacherPath);
        ModelSpec.Parse(StudentSpec);
        TeacherPlan.Validate(this);
        GenerationPlan.Validate(this);
        MutualPlan.Validate(this);
        DataFreePlan.Validate(this);
        TeacherTraining.Validate();
        StudentTraining.Validate();
        Distillation.Validate();
        Tune?.Validate();
        if (Tune is not null && Distillation.Method != "kd")
            throw new DistillException($"Tuning searches kd's temperature and weights, so it needs the method kd, not '{Distillation.Method}'.");
    }
}
