using System.Text.Json.Nodes;
using Distill.Runs;

namespace Distill.DataFree;

/// <summary>
/// One data-free method as <c>distill methods</c> and the docs list it: name, what it does, defaults, paper,
/// and the <see cref="DataFreeOptions"/> keys (camelCase, as in an experiment file's <c>"dataFree"</c>) it reads.
/// </summary>
public sealed record DataFreeMethod(string Name, string Description, string Defaults, string Paper, IReadOnlyList<string> Keys)
{
    public static IReadOnlyList<DataFreeMethod> All { get; } =
    [
        new("dafl", "A generator (DCGAN-like, batch norm) trained against the frozen teacher with the one-hot, activation and information-entropy losses; the student learns by KD on its samples, step by step",
            "one-hot 1, activation 0.1, entropy 5, z 100, generator Adam lr 0.2, 120 steps/epoch, T 1", "Chen et al. 2019 (DAFL)",
            ["stepsPerEpoch", "latentSize", "generatorLearningRate", "oneHotWeight", "activationWeight", "entropyWeight", "batchNormWeight", "temperature"]),
        new("zskd", "Data impressions optimised against the teacher for soft targets drawn from Dirichlet(beta * class similarity of its final weights); then KD on the impressions",
            "2400 impressions, 1500 steps, Adam lr 0.01, tau 20, beta 1 and 0.1, T 20", "Nayak et al. 2019 (Zero-Shot KD)",
            ["impressions", "impressionSteps", "impressionLearningRate", "impressionTemperature", "betas", "batchNormWeight", "temperature"]),
        new("deepinversion", "Impressions of random classes under the batch-norm statistic loss (batch means and variances against the teacher's running ones) with total-variation and L2 priors; then KD. The batch-norm term also adds to dafl and zskd (--bn-weight)",
            "bn 1, TV 0.001, L2 1e-5, 2400 impressions, 1500 steps, Adam lr 0.01, T 1", "Yin et al. 2020 (DeepInversion)",
            ["impressions", "impressionSteps", "impressionLearningRate", "totalVariationWeight", "l2Weight", "batchNormWeight", "temperature"]),
    ];

    /// <summary>The method's default options, its keys only, with the batch-norm weight and temperature it resolves to.</summary>
    public JsonObject Options()
    {
        var defaults = new DataFreeOptions { Method = Name };
        defaults = defaults with { BatchNormWeight = defaults.EffectiveBatchNormWeight, Temperature = defaults.EffectiveTemperature };
        var all = JsonNode.Parse(Json.Serialize(defaults))!.AsObject();
        return new JsonObject(Keys.Select(k => KeyValuePair.Create(k, all[k]?.DeepClone())));
    }
}
