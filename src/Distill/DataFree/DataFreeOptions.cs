using System.Globalization;
using Distill.Losses;
using Distill.Methods;

namespace Distill.DataFree;

/// <summary>
/// How a student learns from a teacher without its training data (<c>--data-free</c>, or
/// <c>"dataFree": {...}</c> in an experiment file). The student's epochs, batch size, optimizer and seed are
/// its training options; these say how the inputs are made. Methods: <c>dafl</c> (a generator trained
/// against the teacher, <see cref="DaflSynthesis"/>), <c>zskd</c> (data impressions from Dirichlet soft
/// targets, <see cref="DataImpressions"/>) and <c>deepinversion</c> (impressions of random classes under the
/// batch-norm statistic loss and image priors).
/// </summary>
public sealed record DataFreeOptions
{
    public static readonly IReadOnlyList<string> Methods = ["dafl", "zskd", "deepinversion"];

    public string Method { get; init; } = "dafl";

    /// <summary>DAFL: generator and student steps per epoch (the paper's MNIST run: 120 a epoch, 200 epochs).</summary>
    public int StepsPerEpoch { get; init; } = 120;

    /// <summary>DAFL: length of the generator's random input z (the paper's: 100).</summary>
    public int LatentSize { get; init; } = 100;

    /// <summary>DAFL: the generator's Adam learning rate (the authors' code: 0.2).</summary>
    public double GeneratorLearningRate { get; init; } = 0.2;

    /// <summary>DAFL: weight of the one-hot loss (the paper's: 1).</summary>
    public double OneHotWeight { get; init; } = 1;

    /// <summary>DAFL: weight of the activation loss on the teacher's penultimate features (the paper's: 0.1).</summary>
    public double ActivationWeight { get; init; } = 0.1;

    /// <summary>DAFL: weight of the information-entropy loss (the paper's: 5).</summary>
    public double EntropyWeight { get; init; } = 5;

    /// <summary>
    /// Weight of DeepInversion's batch-norm statistic loss, added to the generator's or the impressions'
    /// objective; needs a teacher with batch norm. Null: 1 for deepinversion, 0 (off) for dafl and zskd.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public double? BatchNormWeight { get; init; }

    /// <summary>Temperature of the student's KD on the synthetic inputs; null: 1 for dafl and deepinversion (their code's), 20 for zskd (its paper's).</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public double? Temperature { get; init; }

    /// <summary>zskd, deepinversion: how many impressions are made (the student's whole transfer set).</summary>
    public int Impressions { get; init; } = 2400;

    /// <summary>zskd, deepinversion: optimisation steps per batch of impressions (Zero-Shot KD's: 1500).</summary>
    public int ImpressionSteps { get; init; } = 1500;

    /// <summary>zskd, deepinversion: Adam learning rate of the impressions' pixels (Zero-Shot KD's: 0.01).</summary>
    public double ImpressionLearningRate { get; init; } = 0.01;

    /// <summary>zskd: the Dirichlet scaling factors beta, the impressions shared equally among them (the paper's: 1 and 0.1).</summary>
    public IReadOnlyList<double> Betas { get; init; } = [1.0, 0.1];

    /// <summary>zskd: temperature of the teacher's softmax while the impressions are made (the paper's: 20).</summary>
    public double ImpressionTemperature { get; init; } = 20;

    /// <summary>deepinversion: weight of the total-variation prior.</summary>
    public double TotalVariationWeight { get; init; } = 1e-3;

    /// <summary>deepinversion: weight of the impressions' L2 norm.</summary>
    public double L2Weight { get; init; } = 1e-5;

    public double EffectiveBatchNormWeight => BatchNormWeight ?? (Method == "deepinversion" ? 1 : 0);

    public double EffectiveTemperature => Temperature ?? (Method == "zskd" ? 20 : 1);

    public void Validate()
    {
        if (Method is null || !Methods.Contains(Method))
            throw new DistillException($"Unknown data-free method '{Method}'; choose {string.Join(", ", Methods)}.");
        OptionCheck.Count(StepsPerEpoch, "dataFree.stepsPerEpoch", 1, 1_000_000);
        OptionCheck.Count(LatentSize, "dataFree.latentSize", 1, 4096);
        OptionCheck.Positive(GeneratorLearningRate, "dataFree.generatorLearningRate", 10);
        OptionCheck.Weight(OneHotWeight, "dataFree.oneHotWeight");
        OptionCheck.Weight(ActivationWeight, "dataFree.activationWeight");
        OptionCheck.Weight(EntropyWeight, "dataFree.entropyWeight");
        OptionCheck.Weight(EffectiveBatchNormWeight, "dataFree.batchNormWeight");
        OptionCheck.Positive(EffectiveTemperature, "dataFree.temperature", TemperatureCheck.Max);
        OptionCheck.Count(Impressions, "dataFree.impressions", 1, 10_000_000);
        OptionCheck.Count(ImpressionSteps, "dataFree.impressionSteps", 1, 1_000_000);
        OptionCheck.Positive(ImpressionLearningRate, "dataFree.impressionLearningRate", 10);
        OptionCheck.Positive(ImpressionTemperature, "dataFree.impressionTemperature", TemperatureCheck.Max);
        if (Betas is null || Betas.Count == 0) throw new DistillException("Zero-Shot KD needs at least one Dirichlet scaling factor (dataFree.betas).");
        foreach (var beta in Betas) OptionCheck.Positive(beta, "dataFree.betas", 1e6);
        OptionCheck.Weight(TotalVariationWeight, "dataFree.totalVariationWeight");
        OptionCheck.Weight(L2Weight, "dataFree.l2Weight");
    }

    public override string ToString() => Method switch
    {
        "dafl" => Invariant($"DAFL, {StepsPerEpoch} steps/epoch, z {LatentSize}, generator lr {GeneratorLearningRate:g4}, one-hot {OneHotWeight:g4}, activation {ActivationWeight:g4}, entropy {EntropyWeight:g4}{BatchNorm()}, T={EffectiveTemperature:g4}"),
        "zskd" => Invariant($"Zero-Shot KD, {Impressions} impressions x {ImpressionSteps} steps (lr {ImpressionLearningRate:g4}, tau {ImpressionTemperature:g4}, beta {string.Join("/", Betas.Select(b => b.ToString("g4", CultureInfo.InvariantCulture)))}){BatchNorm()}, T={EffectiveTemperature:g4}"),
        _ => Invariant($"DeepInversion, {Impressions} impressions x {ImpressionSteps} steps (lr {ImpressionLearningRate:g4}){BatchNorm()}, TV {TotalVariationWeight:g4}, L2 {L2Weight:g4}, T={EffectiveTemperature:g4}"),
    };

    private string BatchNorm() => EffectiveBatchNormWeight > 0 ? Invariant($", BN statistics {EffectiveBatchNormWeight:g4}") : "";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
