using Distill.Data;

namespace Distill.Models;

/// <summary>
/// The sidecar metadata saved next to a model's weights: enough to rebuild the module and to
/// refuse data it was not built for.
/// </summary>
public sealed record ModelCard(
    string Spec,
    long[] InputShape,
    int ClassCount,
    long Parameters,
    string Dataset,
    string Role)
{
    /// <summary>
    /// The per-channel standardisation the model was trained with, applied again by eval; null in
    /// cards written before it was stored (those models were trained on a known data set's fixed statistics).
    /// </summary>
    public ChannelNormalization? Normalization { get; init; }

    /// <summary>Class names in label order; null in older cards.</summary>
    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>The data format trained on (idx, cifar, images, csv); null in older cards (idx).</summary>
    public string? DataFormat { get; init; }

    /// <summary>Seed of the data's ratio split (image folders and CSV files), so eval finds the same test rows.</summary>
    public int? DataSeed { get; init; }

    /// <summary>The class column of a CSV file trained on.</summary>
    public string? LabelColumn { get; init; }

    /// <summary>False when the CSV file trained on had no header row, so eval reads its data the same way; null otherwise.</summary>
    public bool? HasHeader { get; init; }

    /// <summary>
    /// The feature columns of a table trained on, in the order the model reads them; null for images
    /// and in cards written before they were stored (those cannot have their column order checked).
    /// </summary>
    public IReadOnlyList<string>? Columns { get; init; }

    /// <summary>
    /// The assembly-qualified type of a user's own module (<see cref="ModelSource"/>);
    /// null for models built from a spec. Such a model is rebuilt from this type, not from <see cref="Spec"/>.
    /// </summary>
    public string? ModuleType { get; init; }

    /// <summary>The file the user's module type was loaded from, so a command line that does not reference it can load it; null for spec models.</summary>
    public string? ModuleAssembly { get; init; }

    /// <summary>The module paths of a user's own module (<c>named_modules()</c>), the names feature methods read; null for spec models.</summary>
    public IReadOnlyList<string>? Layers { get; init; }

    /// <summary>Classes whose rows were left out of the model's training and validation data (--exclude-classes); null when none were.</summary>
    public IReadOnlyList<string>? ExcludedClasses { get; init; }

    /// <summary>
    /// Per-class logit offsets chosen after training (<c>distill eval --class-bias</c>) and how they were
    /// chosen; stored for export to apply on request, never applied to the weights themselves.
    /// </summary>
    public Evaluation.ClassBias? ClassBias { get; init; }

    /// <summary>
    /// Which statistics <see cref="Normalization"/> holds (dataset, imagenet, none: <c>--normalize</c>);
    /// null in older cards (the training set's).
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public InputNormalization? Normalize { get; init; }

    /// <summary>The PyTorch state_dict or .safetensors file the model started from (<c>--weights</c>); null when it started from random weights.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? InitialWeights { get; init; }

    /// <summary>
    /// The activation ranges of a model trained quantization-aware (<c>--qat</c>), which its int8 export
    /// uses instead of calibrating; null for a model trained in float.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public Quantization.QuantizationRanges? QuantizationAware { get; init; }

    /// <summary>The card of a model trained on <paramref name="data"/>: its standardisation, classes and split.</summary>
    public ModelCard WithData(DataDescription data) => this with
    {
        Normalization = data.Normalization,
        Normalize = data.Normalize,
        ClassNames = data.ClassNames,
        DataFormat = DataFormats.Name(data.Format),
        DataSeed = data.Seed,
        LabelColumn = data.LabelColumn,
        HasHeader = data.HasHeader,
        Columns = data.Columns,
    };

    /// <summary>
    /// The way to read data for this model where <paramref name="selection"/> says nothing: its format,
    /// image size and channels, header row, label column and column order, so the rows look as they did in training.
    /// </summary>
    /// <param name="noun">What the model is to the command ("model", "teacher"), for messages.</param>
    /// <param name="path">The model's weights file, for messages.</param>
    public DataSelection Reading(DataSelection selection, string noun, string path)
    {
        var image = InputShape.Length == 3 && InputShape[1] == InputShape[2] && DataFormat is not (null or "idx");
        return selection with
        {
            Format = selection.Format ?? (selection.Path is not null && DataFormat is { } format && format != "idx" ? format : null),
            ImageSize = selection.ImageSize ?? (image ? (int)InputShape[1] : null),
            Channels = selection.Channels ?? (image ? (int)InputShape[0] : null),
            LabelColumn = selection.LabelColumn ?? LabelColumn,
            HasHeader = selection.HasHeader ?? HasHeader,
            ModelColumns = selection.ModelColumns ?? (Columns is { } columns ? new ModelColumns(noun, path, columns) : null),
        };
    }

    /// <summary>
    /// Refuses data the model was not built for: another class count or another input shape.
    /// <paramref name="noun"/> names the model in the message ("teacher", "model").
    /// </summary>
    public void CheckFits(string noun, string path, string dataset, int classCount, IReadOnlyList<long> sampleShape)
    {
        if (ClassCount != classCount)
            throw new DistillException($"The {noun} '{path}' predicts {ClassCount} classes but {dataset} has {classCount}.");
        if (!InputShape.SequenceEqual(sampleShape))
            throw new DistillException(
                $"The {noun} '{path}' takes inputs of shape {string.Join("x", InputShape)} but {dataset} has {string.Join("x", sampleShape)}.");
    }

    /// <summary>
    /// A warning when the model was trained on another data set than <paramref name="dataset"/>, or
    /// null. Only a warning: same classes and input shape make a cross-data-set teacher usable (a
    /// deliberate transfer experiment), but done by mistake it quietly spoils the distillation.
    /// </summary>
    public string? DatasetWarning(string noun, string path, string dataset) =>
        string.Equals(Dataset, dataset, StringComparison.OrdinalIgnoreCase)
            ? null
            : $"Warning: the {noun} '{path}' was trained on {Dataset}, not on {dataset}; its outputs may mean little on this data.";
}
