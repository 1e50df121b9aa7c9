using System.Text.Json;
using Distill.Losses;
using static TorchSharp.torch;

namespace Distill.Tests.Losses;

/// <summary>
/// Compares every loss of the method zoo with values and gradients written by
/// Golden/method_losses.py, an independent PyTorch re-implementation of each reference formula in
/// float64 (rerun: /usr/bin/python3 tests/Distill.Tests/Golden/method_losses.py).
/// Tolerance: 1e-6 relative to the expected entry, with an absolute floor for entries near 0:
/// 1e-12 for loss values and 1e-9 times the largest entry of a gradient for gradient entries.
/// </summary>
public sealed class MethodGoldenTests
{
    private const double RelativeTolerance = 1e-6;
    private const double ValueFloor = 1e-12;
    private const double GradientFloor = 1e-9;

    private static readonly Lazy<IReadOnlyList<GoldenCase>> Cases = new(Load);

    public static TheoryData<string> CaseNames()
    {
        var names = new TheoryData<string>();
        foreach (var golden in Cases.Value) names.Add(golden.Name);
        return names;
    }

    [Fact]
    public void The_golden_file_covers_every_loss_of_the_method_zoo()
    {
        string[] functions =
        [
            "fitnets_hint", "attention_transfer", "attention_transfer_sum", "similarity_preserving",
            "rkd_distance", "rkd_angle", "probabilistic_transfer", "neuron_selectivity", "neuron_selectivity_sum",
            "dkd_target_class", "dkd_non_target_class", "crd_scores_then_nce", "crd_nce", "logit_standardization",
        ];

        Assert.Equal(functions.Order(), Cases.Value.Select(c => c.Function).Distinct().Order());
        Assert.Contains(Cases.Value, c => c.Function == "attention_transfer" && c.Inputs["student"].Shape[2] > c.Inputs["teacher"].Shape[2]);
        Assert.Contains(Cases.Value, c => c.Function == "neuron_selectivity" && c.Inputs["student"].Shape[2] < c.Inputs["teacher"].Shape[2]);
        Assert.All(Cases.Value, c => Assert.NotEmpty(c.Gradients));
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void The_loss_matches_the_reference_formula(string name)
    {
        using var scope = NewDisposeScope();
        var golden = Find(name);

        var loss = Compute(golden, golden.InputTensors(requireGradients: false));

        Assert.Equal(ScalarType.Float64, loss.dtype);
        Assert.Equal(0, loss.dim());
        AssertClose(golden.Value, loss.item<double>(), ValueFloor, name);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void The_gradient_with_respect_to_the_student_side_matches_PyTorch_autograd(string name)
    {
        using var scope = NewDisposeScope();
        var golden = Find(name);
        var inputs = golden.InputTensors(requireGradients: true);

        Compute(golden, inputs).backward();

        foreach (var (role, expected) in golden.Gradients)
        {
            var gradient = inputs[role].grad;
            Assert.NotNull(gradient);
            Assert.Equal(expected.Shape, gradient.shape);
            var actual = gradient.data<double>().ToArray();
            Assert.Contains(actual, v => v != 0.0);
            var floor = GradientFloor * expected.Data.Max(Math.Abs);
            for (var i = 0; i < actual.Length; i++)
                AssertClose(expected.Data[i], actual[i], floor, $"{name}, d/d{role} element {i}");
        }
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Every_golden_loss_and_gradient_is_large_enough_to_catch_a_wrong_formula(string name)
    {
        var golden = Find(name);

        Assert.True(golden.Value > 1e-4, $"{name}: a loss of {golden.Value:R} is too close to 0 to tell formulas apart.");
        Assert.All(golden.Gradients.Values, g => Assert.True(g.Data.Max(Math.Abs) > 1e-7, $"{name}: the gradient is all but zero."));
    }

    [Fact]
    public void The_DKD_parts_are_the_target_class_and_non_target_class_losses()
    {
        using var scope = NewDisposeScope();
        var golden = Cases.Value.First(c => c.Function == "dkd_target_class");
        var inputs = golden.InputTensors(requireGradients: false);
        var labels = golden.LabelTensor();
        var temperature = golden.Parameters["temperature"];

        var (targetClass, nonTargetClass) = DecoupledKnowledgeLoss.Parts(inputs["student"], inputs["teacher"], labels, temperature);

        Assert.Equal(DecoupledKnowledgeLoss.TargetClass(inputs["student"], inputs["teacher"], labels, temperature).item<double>(), targetClass.item<double>());
        Assert.Equal(DecoupledKnowledgeLoss.NonTargetClass(inputs["student"], inputs["teacher"], labels, temperature).item<double>(), nonTargetClass.item<double>());
        Assert.NotEqual(targetClass.item<double>(), nonTargetClass.item<double>());
    }

    private static Tensor Compute(GoldenCase golden, IReadOnlyDictionary<string, Tensor> inputs)
    {
        var p = golden.Parameters;
        return golden.Function switch
        {
            "fitnets_hint" => FitNetsLoss.Hint(inputs["student"], inputs["teacher"]),
            "attention_transfer" => AttentionTransferLoss.Pair(inputs["student"], inputs["teacher"], p["p"]),
            "attention_transfer_sum" => AttentionTransferLoss.Sum(
                [inputs["student0"], inputs["student1"]], [inputs["teacher0"], inputs["teacher1"]], p["p"]),
            "similarity_preserving" => SimilarityPreservingLoss.Compute(inputs["student"], inputs["teacher"]),
            "rkd_distance" => RelationalKnowledgeLoss.Distance(inputs["student"], inputs["teacher"], p["squared"] == 1.0, p["eps"]),
            "rkd_angle" => RelationalKnowledgeLoss.Angle(inputs["student"], inputs["teacher"]),
            "probabilistic_transfer" => ProbabilisticKnowledgeLoss.Compute(inputs["student"], inputs["teacher"], p["eps"]),
            "neuron_selectivity" => NeuronSelectivityLoss.Pair(inputs["student"], inputs["teacher"]),
            "neuron_selectivity_sum" => NeuronSelectivityLoss.Sum(
                [inputs["student0"], inputs["student1"]], [inputs["teacher0"], inputs["teacher1"]]),
            "dkd_target_class" => DecoupledKnowledgeLoss.TargetClass(inputs["student"], inputs["teacher"], golden.LabelTensor(), p["temperature"]),
            "dkd_non_target_class" => DecoupledKnowledgeLoss.NonTargetClass(inputs["student"], inputs["teacher"], golden.LabelTensor(), p["temperature"]),
            "crd_scores_then_nce" => ContrastiveRepresentationLoss.Nce(
                ContrastiveRepresentationLoss.Scores(inputs["memory_rows"], inputs["embeddings"], p["temperature"], p["normalizer"]),
                (long)p["data_count"]),
            "crd_nce" => ContrastiveRepresentationLoss.Nce(inputs["scores"], (long)p["data_count"]),
            "logit_standardization" => LogitStandardizationLoss.Compute(inputs["student"], inputs["teacher"], p["temperature"]),
            _ => throw new InvalidDataException($"method_losses.json names an unknown function '{golden.Function}'."),
        };
    }

    private static GoldenCase Find(string name) => Cases.Value.Single(c => c.Name == name);

    private static void AssertClose(double expected, double actual, double floor, string context)
    {
        var tolerance = Math.Max(RelativeTolerance * Math.Abs(expected), floor);
        Assert.True(
            Math.Abs(actual - expected) <= tolerance,
            $"{context}: expected {expected:R}, got {actual:R} (difference {Math.Abs(actual - expected):E3}, tolerance {tolerance:E3}).");
    }

    private static IReadOnlyList<GoldenCase> Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Golden", "method_losses.json");
        using var stream = File.OpenRead(path);
        var options = new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
        var file = JsonSerializer.Deserialize<GoldenFile>(stream, options)
            ?? throw new InvalidDataException($"{path} holds no golden cases.");
        return file.Cases;
    }

    private sealed record GoldenFile
    {
        public required IReadOnlyList<GoldenCase> Cases { get; init; }
    }

    /// <summary>A tensor of method_losses.json: its shape and its entries flat in row-major order.</summary>
    private sealed record GoldenTensor
    {
        public required long[] Shape { get; init; }
        public required double[] Data { get; init; }
    }

    /// <summary>One case of method_losses.json; <see cref="Gradients"/> names the student-side inputs.</summary>
    private sealed record GoldenCase
    {
        public required string Name { get; init; }
        public required string Function { get; init; }
        public required Dictionary<string, double> Parameters { get; init; }
        public required Dictionary<string, GoldenTensor> Inputs { get; init; }
        public required double Value { get; init; }
        public required Dictionary<string, GoldenTensor> Gradients { get; init; }
        public long[]? Labels { get; init; }

        public Dictionary<string, Tensor> InputTensors(bool requireGradients) =>
            Inputs.ToDictionary(
                pair => pair.Key,
                pair => tensor(pair.Value.Data, pair.Value.Shape, ScalarType.Float64)
                    .requires_grad_(requireGradients && Gradients.ContainsKey(pair.Key)));

        public Tensor LabelTensor() =>
            tensor(Labels ?? throw new InvalidDataException($"{Name} has no labels."), [Labels.Length], ScalarType.Int64);
    }
}
