using Distill.Data;
using Distill.Methods;
using Distill.Models;
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

    /// <summary>The data part of these options.</summary>
    public DataSelection ToDataSelection() => new()
    {
        Dataset = Dataset,
        Path = Data ?? DataDirectory,
        Format = Format,
        ImageSize = ImageSize,
        Channels = Channels,
        LabelColumn = LabelColumn,
    };

    /// <summary>Training rows held out for model selection and early stopping.</summary>
    public int ValidationCount { get; init; } = 5000;

    /// <summary>Teacher architecture, when the teacher is trained here (default: a small CNN, ~99% on MNIST in 3 epochs).</summary>
    public string TeacherSpec { get; init; } = "cnn:c32-relu-mp2-c64-relu-mp2-fc128-relu-drop0.3";

    /// <summary>A teacher saved by Distill (weights file with its .json card) to use instead of training one.</summary>
    public string? TeacherPath { get; init; }

    /// <summary>Student architecture, shared by the scratch baseline and the distilled student.</summary>
    public string StudentSpec { get; init; } = "mlp:128-32";

    public TrainingOptions TeacherTraining { get; init; } = new() { Epochs = 3 };

    /// <summary>Training of both students: the baseline and the distilled one differ only in their loss.</summary>
    public TrainingOptions StudentTraining { get; init; } = new() { Epochs = 5 };

    public DistillationOptions Distillation { get; init; } = new();

    /// <summary>When set, kd's temperature and weights are chosen on the validation split before the distilled student trains (<c>--tune</c>).</summary>
    public TuneOptions? Tune { get; init; }

    public void Validate()
    {
        // Options may come from a file, where any part can be missing.
        if (Dataset is null || TeacherSpec is null || StudentSpec is null || TeacherTraining is null || StudentTraining is null || Distillation is null)
            throw new DistillException("The study options lack a data set, a model spec, training options or distillation options.");
        ToDataSelection().Validate();
        if (ValidationCount <= 0) throw new DistillException($"The validation split must hold at least 1 row, not {ValidationCount}.");
        if (TeacherPath is null) ModelSpec.Parse(TeacherSpec);
        else if (!File.Exists(TeacherPath)) throw Export.ModelLocator.Missing("teacher", TeacherPath);
        ModelSpec.Parse(StudentSpec);
        TeacherTraining.Validate();
        StudentTraining.Validate();
        Distillation.Validate();
        Tune?.Validate();
        if (Tune is not null && Distillation.Method != "kd")
            throw new DistillException($"Tuning searches kd's temperature and weights, so it needs the method kd, not '{Distillation.Method}'.");
    }
}
