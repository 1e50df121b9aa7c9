using System.Text.Json;
using Distill.DataFree;
using static TorchSharp.torch;

namespace Distill.Tests.DataFree;

/// <summary>
/// The data-free losses against Golden/data_free_losses.py (PyTorch, float64; rerun:
/// /usr/bin/python3 tests/Distill.Tests/Golden/data_free_losses.py): DAFL's one-hot, activation and
/// information-entropy losses, DeepInversion's batch-norm statistic loss and total variation, Zero-Shot
/// KD's class similarity, Dirichlet concentration and impression loss; values and gradients.
/// </summary>
public sealed class DataFreeLossGoldenTests
{
    private const double Tolerance = 1e-9;
    private static readonly Lazy<JsonElement> Golden = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Golden", "data_free_losses.json"))).RootElement);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void DAFL_one_hot_and_information_entropy_losses_match_PyTorch_with_their_gradients(int index)
    {
        using var scope = NewDisposeScope();
        var golden = Golden.Value.GetProperty("logitCases")[index];

        var (oneHot, oneHotGradient) = ValueAndGradient(DataFreeLosses.OneHot, golden.GetProperty("logits"));
        var (entropy, entropyGradient) = ValueAndGradient(DataFreeLosses.InformationEntropy, golden.GetProperty("logits"));

        Assert.Equal(golden.GetProperty("oneHot").GetDouble(), oneHot, Tolerance);
        AssertClose(golden.GetProperty("oneHotGradient"), oneHotGradient);
        Assert.Equal(golden.GetProperty("entropy").GetDouble(), entropy, Tolerance);
        AssertClose(golden.GetProperty("entropyGradient"), entropyGradient);
    }

    [Fact]
    public void DAFL_activation_loss_matches_PyTorch_with_its_gradient()
    {
        using var scope = NewDisposeScope();
        var golden = Golden.Value.GetProperty("activation");

        var (value, gradient) = ValueAndGradient(DataFreeLosses.Activation, golden.GetProperty("features"));

        Assert.Equal(golden.GetProperty("value").GetDouble(), value, Tolerance);
        AssertClose(golden.GetProperty("gradient"), gradient);
    }

    [Fact]
    public void The_batch_norm_statistic_loss_of_a_conv_and_a_dense_layer_matches_PyTorch_with_its_gradients()
    {
        using var scope = NewDisposeScope();
        var golden = Golden.Value.GetProperty("batchNorm");
        var inputs = golden.GetProperty("inputs").EnumerateArray().Select(t => Read(t).requires_grad_(true)).ToList();
        var means = golden.GetProperty("runningMeans").EnumerateArray().Select(Read).ToList();
        var variances = golden.GetProperty("runningVariances").EnumerateArray().Select(Read).ToList();

        var loss = DataFreeLosses.BatchNormStatistics([(inputs[0], means[0], variances[0]), (inputs[1], means[1], variances[1])]);
        loss.backward();

        Assert.Equal(golden.GetProperty("value").GetDouble(), loss.item<double>(), Tolerance);
        AssertClose(golden.GetProperty("gradients")[0], inputs[0].grad!);
        AssertClose(golden.GetProperty("gradients")[1], inputs[1].grad!);
    }

    [Fact]
    public void Zero_shot_KD_class_similarity_and_Dirichlet_concentrations_match_PyTorch()
    {
        using var scope = NewDisposeScope();
        var golden = Golden.Value.GetProperty("similarity");

        var similarity = DataFreeLosses.ClassSimilarity(Read(golden.GetProperty("weights")));

        AssertClose(golden.GetProperty("similarity"), similarity);
        foreach (var concentration in golden.GetProperty("concentrations").EnumerateArray())
            AssertClose(concentration.GetProperty("value"), DataFreeLosses.DirichletConcentration(similarity, concentration.GetProperty("beta").GetDouble()));
    }

    [Fact]
    public void Zero_shot_KD_impression_loss_matches_PyTorch_with_its_gradient()
    {
        using var scope = NewDisposeScope();
        var golden = Golden.Value.GetProperty("softTarget");
        var targets = Read(golden.GetProperty("targets"));
        var temperature = golden.GetProperty("temperature").GetDouble();

        var (value, gradient) = ValueAndGradient(z => DataFreeLosses.SoftTargetCrossEntropy(z, targets, temperature), golden.GetProperty("logits"));

        Assert.Equal(golden.GetProperty("value").GetDouble(), value, Tolerance);
        AssertClose(golden.GetProperty("gradient"), gradient);
    }

    [Fact]
    public void DeepInversion_total_variation_matches_PyTorch_with_its_gradient()
    {
        using var scope = NewDisposeScope();
        var golden = Golden.Value.GetProperty("totalVariation");

        var (value, gradient) = ValueAndGradient(DataFreeLosses.TotalVariation, golden.GetProperty("images"));

        Assert.Equal(golden.GetProperty("value").GetDouble(), value, Tolerance);
        AssertClose(golden.GetProperty("gradient"), gradient);
    }

    [Fact]
    public void Dirichlet_targets_are_distributions_whose_largest_share_is_mostly_their_own_class()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        var weights = Read(Golden.Value.GetProperty("similarity").GetProperty("weights"));

        var targets = DataImpressions.DirichletTargets(weights, [1.0, 0.1], 400);

        Assert.Equal([400L, 10L], targets.shape);
        Assert.True(targets.sum(1).sub(1).abs().max().item<float>() < 1e-4, "a target does not sum to 1");
        var own = targets.argmax(1).eq(arange(400, dtype: ScalarType.Int64) % 10).to_type(ScalarType.Float32).mean().item<float>();
        Assert.True(own > 0.15, $"only {own:P0} of the targets put their largest share on their own class");
    }

    private static (double Value, Tensor Gradient) ValueAndGradient(Func<Tensor, Tensor> loss, JsonElement input)
    {
        var x = Read(input).requires_grad_(true);
        var value = loss(x);
        value.backward();
        return (value.item<double>(), x.grad!);
    }

    private static Tensor Read(JsonElement t) =>
        tensor(t.GetProperty("data").EnumerateArray().Select(v => v.GetDouble()).ToArray(), dtype: ScalarType.Float64)
            .reshape(t.GetProperty("shape").EnumerateArray().Select(v => v.GetInt64()).ToArray());

    private static void AssertClose(JsonElement expected, Tensor actual)
    {
        var want = Read(expected);
        Assert.Equal(want.shape, actual.shape);
        var difference = (want - actual.to_type(ScalarType.Float64)).abs().max().item<double>();
        Assert.True(difference < Tolerance, $"largest difference {difference:g3}");
    }
}
