using Distill.Export;
using Distill.Pruning;

namespace Distill.Deployment;

/// <summary>What <c>distill deploy</c> and <c>distill prune</c> do to a finished run's student.</summary>
public sealed record EdgeOptions
{
    /// <summary>Share of the student's convolution and dense weights set to zero by magnitude (0 skips unstructured pruning).</summary>
    public double Sparsity { get; init; } = 0.5;

    /// <summary>One magnitude threshold for the whole model, or one per layer.</summary>
    public PruningScope Scope { get; init; } = PruningScope.Global;

    /// <summary>Share of each convolution's filters and hidden layer's units removed (mlp: and cnn: students; 0 skips).</summary>
    public double ChannelFraction { get; init; } = 0.25;

    /// <summary>Epochs of fine-tuning after pruning, with the run's own student training options.</summary>
    public int FineTuneEpochs { get; init; } = 1;

    /// <summary>What the pruned models fine-tune on: the run's teacher (distillation) or the labels alone.</summary>
    public FineTuneSource FineTune { get; init; } = FineTuneSource.Teacher;

    /// <summary>Fine-tune quantization-aware, so each pruned model is written as int8 QDQ ONNX on its observed ranges.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public bool QuantizationAware { get; init; }

    /// <summary>How the pruned models are fine-tuned, for messages and reports: "by distillation from the teacher" or "on the labels alone".</summary>
    public string FineTuneDescription =>
        (FineTune == FineTuneSource.Labels ? "on the labels alone" : "by distillation from the teacher") + (QuantizationAware ? ", quantization-aware" : "");

    /// <summary>Int8 calibration.</summary>
    public QuantizationOptions Quantization { get; init; } = new();

    /// <summary>How each model is timed.</summary>
    public LatencyOptions Latency { get; init; } = new() { MinimumRuns = 200, MinimumSeconds = 0.5, MaximumSeconds = 10 };

    public void Validate()
    {
        if (!(Sparsity >= 0 && Sparsity < 1)) throw new DistillException($"The sparsity must be at least 0 and below 1, not {Sparsity}.");
        if (!(ChannelFraction >= 0 && ChannelFraction < 1)) throw new DistillException($"The share of channels to prune must be at least 0 and below 1, not {ChannelFraction}.");
        if (FineTuneEpochs is < 0 or > 1000) throw new DistillException($"The fine-tuning epochs must be between 0 and 1000, not {FineTuneEpochs}.");
        if (!Enum.IsDefined(FineTune)) throw new DistillException($"The fine-tuning source must be teacher or labels, not {FineTune}.");
        if (QuantizationAware && FineTuneEpochs == 0) throw new DistillException("Quantization-aware fine-tuning needs at least 1 fine-tuning epoch; give --epochs 1 or more, or drop --qat.");
        Quantization.Validate();
        Latency.Validate();
    }
}
