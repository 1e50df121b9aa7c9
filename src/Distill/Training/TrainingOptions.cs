namespace Distill.Training;

/// <summary>Everything that shapes one training run of one model.</summary>
public sealed record TrainingOptions
{
    /// <summary>Passes over the training set.</summary>
    public int Epochs { get; init; } = 5;

    /// <summary>Examples per optimisation step.</summary>
    public int BatchSize { get; init; } = 128;

    public OptimizerOptions Optimizer { get; init; } = new();

    public ScheduleOptions Schedule { get; init; } = new();

    /// <summary>Stop after this many epochs without a better validation accuracy; 0 turns it off.</summary>
    public int EarlyStoppingPatience { get; init; }

    /// <summary>Shift each training image by up to this many pixels (0 = none); the same as "jitter:N" in <see cref="Augment"/>.</summary>
    public int JitterPixels { get; init; }

    /// <summary>
    /// Random transforms of the training batches, in the grammar of <see cref="Data.Augmentation.Augmentations"/>,
    /// e.g. "crop:4,hflip,rotate:10,zoom:0.1,brightness:0.2"; null or blank for none.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public string? Augment { get; init; }

    /// <summary>Clip the global gradient norm to this value; 0 turns clipping off.</summary>
    public double GradientClipNorm { get; init; }

    /// <summary>Number format of the training steps' products (validation and evaluation stay float32).</summary>
    public Precision Precision { get; init; } = Precision.Float32;

    /// <summary>
    /// Freeze the model's first N named top-level submodules (no gradients, batch norm kept in eval
    /// mode), e.g. to fine-tune only the last stages of a teacher; 0 trains every layer.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public int FreezeLayers { get; init; }

    /// <summary>
    /// A PyTorch <c>state_dict</c> (<c>.pt</c>/<c>.pth</c>) or <c>.safetensors</c> file the model starts
    /// from instead of random weights, loaded by parameter name (<see cref="Models.Weights.PretrainedWeights"/>); null for none.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public string? Weights { get; init; }

    /// <summary>Start the classifier head afresh when <see cref="Weights"/> holds one for another class count (ImageNet's 1000).</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public bool NewHead { get; init; }

    /// <summary>
    /// Module paths to freeze, comma-separated (<c>conv1,layer1,layer2.0</c>: each module and everything
    /// under it), or <c>all-but-head</c> for everything except the classifier head; null freezes nothing.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public string? Freeze { get; init; }

    /// <summary>
    /// Run a frozen base forward on every step instead of caching its outputs once (<see cref="FrozenBaseCache"/>),
    /// as a run that freezes nothing does; for measuring the cache, whose results agree to float rounding.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public bool LiveFrozenBase { get; init; }

    /// <summary>Learning rate of the classifier head's parameters; 0 gives them the optimizer's.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public double HeadLearningRate { get; init; }

    /// <summary>
    /// Train quantization-aware (<see cref="Quantization.QuantizationAwareModel"/>): the forward pass
    /// computes with int8 weights and activations as the int8 ONNX export will, gradients pass
    /// straight through to the float32 weights, and the card keeps the observed activation ranges.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public bool QuantizationAware { get; init; }

    /// <summary>Seed for weight initialisation, dropout, shuffling and augmentation.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>The transforms of <see cref="Augment"/>, then the jitter of <see cref="JitterPixels"/>; empty when training sees the images as they are.</summary>
    public IReadOnlyList<Data.Augmentation.IImageTransform> Transforms()
    {
        var spec = string.IsNullOrWhiteSpace(Augment) || Augment.Trim() == "none" ? "" : Augment.Trim();
        if (JitterPixels > 0) spec = spec.Length == 0 ? $"jitter:{JitterPixels}" : $"{spec},jitter:{JitterPixels}";
        return Data.Augmentation.Augmentations.Parse(spec);
    }

    /// <summary>True when the training batches are transformed, so a teacher must see them live.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool Augments => JitterPixels > 0 || Transforms().Count > 0;

    public void Validate()
    {
        if (Epochs <= 0) throw new DistillException($"The number of epochs must be positive, not {Epochs}.");
        if (BatchSize <= 0) throw new DistillException($"The batch size must be positive, not {BatchSize}.");
        if (EarlyStoppingPatience < 0) throw new DistillException($"The early-stopping patience must be 0 or more, not {EarlyStoppingPatience}.");
        if (JitterPixels < 0) throw new DistillException($"The jitter must be 0 or more pixels, not {JitterPixels}.");
        Transforms();
        if (FreezeLayers < 0) throw new DistillException($"The number of frozen layers must be 0 or more, not {FreezeLayers}.");
        if (Weights is not null && !File.Exists(Weights)) throw new DistillException($"The weights file '{Weights}' does not exist.");
        if (NewHead && Weights is null) throw new DistillException("A new head replaces the head of a weights file, so it needs a weights file.");
        if (Freeze is not null && Freeze.Split(',', StringSplitOptions.TrimEntries).Any(p => p.Length == 0))
            throw new DistillException($"The frozen module paths '{Freeze}' hold an empty path; give module paths separated by commas, or all-but-head.");
        if (!(HeadLearningRate >= 0) || double.IsInfinity(HeadLearningRate)) throw new DistillException($"The head's learning rate must be 0 or more, not {HeadLearningRate}.");
        if (!(GradientClipNorm >= 0)) throw new DistillException($"The gradient clip norm must be 0 or more, not {GradientClipNorm}.");
        if (!Enum.IsDefined(Precision)) throw new DistillException($"The precision must be float32 or bfloat16, not {Precision}.");
        if (QuantizationAware && Precision != Precision.Float32)
            throw new DistillException("Quantization-aware training simulates int8 on float32 products, so it cannot run with bfloat16 precision; drop one of the two.");
        if (Optimizer is null || Schedule is null) throw new DistillException("The training options lack an optimizer or a schedule.");
        Optimizer.Validate();
        Schedule.Validate();
    }

    public override string ToString() =>
        $"{Epochs} ep, batch {BatchSize}, {Optimizer}, {Schedule}{(Augments ? $", augment {Data.Augmentation.Augmentations.Format(Transforms())}" : "")}{(Precision == Precision.Bfloat16 ? ", bf16" : "")}{(FreezeLayers > 0 ? $", first {FreezeLayers} layers frozen" : "")}{(Weights is null ? "" : $", from {Path.GetFileName(Weights)}{(NewHead ? " (new head)" : "")}")}{(Freeze is null ? "" : $", frozen {Freeze}")}{(HeadLearningRate > 0 ? FormattableString.Invariant($", head lr={HeadLearningRate:g3}") : "")}{(LiveFrozenBase ? ", frozen base live" : "")}{(QuantizationAware ? ", quantization-aware" : "")}";
}
