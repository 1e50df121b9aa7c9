using System.Text.Json;
using Distill.Losses;
using Distill.Methods;
using Distill.Training;
using static TorchSharp.torch;

namespace Distill.Tests.Losses;

/// <summary>
/// Compares every logit-distillation loss with values written by Golden/kd_losses.py, the textbook
/// PyTorch formulas in float64 (rerun: /usr/bin/python3 tests/Distill.Tests/Golden/kd_losses.py).
/// Tolerance: 1e-9 relative to the expected value, with an absolute floor of 1e-12 for entries that
/// are differences of nearly equal probabilities (a gradient entry whose exact value is 0 comes out
/// of either implementation as rounding noise of about 1e-17).
/// </summary>
public sealed class GoldenLossTests
{
    private const double RelativeTolerance = 1e-9;
    private const double AbsoluteTolerance = 1e-12;

    private static readonly Lazy<IReadOnlyList<GoldenCase>> Cases = new(Load);

    public static TheoryData<string> CaseNames()
    {
        var names = new TheoryData<string>();
        foreach (var golden in Cases.Value) names.Add(golden.Name);
        return names;
    }

    [Fact]
    public void The_golden_file_covers_every_temperature_weighting_and_saturated_logits()
    {
        var cases = Cases.Value;

        Assert.Equal([1.0, 2.0, 4.0, 20.0], cases.Select(c => c.Temperature).Distinct().Order());
        Assert.Equal([3, 10, 100], cases.Select(c => c.Classes).Distinct().Order());
        Assert.Contains(cases, c => c.HardLabelWeight == 0.0);
        Assert.Contains(cases, c => c.SoftTargetWeight == 0.0);
        Assert.Contains(cases, c => c.StudentLogits.Max(Math.Abs) == 30.0);
        Assert.All(cases, c => Assert.Equal(c.Batch * c.Classes, c.StudentLogits.Length));
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Soft_targets_match_the_PyTorch_softmax_of_the_teacher_logits(string name)
    {
        using var scope = NewDisposeScope();
        var golden = Find(name);

        var probabilities = SoftTargets.Probabilities(golden.Teacher(), golden.Temperature);

        Assert.Equal(ScalarType.Float64, probabilities.dtype);
        AssertClose(golden.SoftTargets, probabilities.data<double>().ToArray(), name);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void The_soft_target_KL_matches_T_squared_times_PyTorch_batchmean_kl_div(string name)
    {
        using var scope = NewDisposeScope();
        var golden = Find(name);

        var loss = DistillationLosses.SoftTargetKl(golden.Student(), golden.Teacher(), golden.Temperature);

        AssertClose(golden.SoftLoss, loss.item<double>(), name);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void The_hard_label_cross_entropy_matches_PyTorch_cross_entropy(string name)
    {
        using var scope = NewDisposeScope();
        var golden = Find(name);

        var loss = DistillationLosses.HardLabelCrossEntropy(golden.Student(), golden.LabelTensor());

        AssertClose(golden.HardLoss, loss.item<double>(), name);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void The_Hinton_total_matches_the_weighted_sum_of_the_PyTorch_losses(string name)
    {
        using var scope = NewDisposeScope();
        var golden = Find(name);
        using var terms = HintonTerms(golden, golden.Student());

        AssertClose(golden.Total, terms.Total().item<double>(), name);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void The_gradient_of_the_Hinton_total_matches_PyTorch_autograd(string name)
    {
        using var scope = NewDisposeScope();
        var golden = Find(name);
        var student = golden.Student().requires_grad_();
        using var terms = HintonTerms(golden, student);
        terms.Total().backward();

        Assert.NotNull(student.grad);
        AssertClose(golden.StudentLogitsGrad, student.grad.data<double>().ToArray(), name);
    }

    /// <summary>The engine's terms for Hinton KD alone: its hard-label term and the kd method's soft term.</summary>
    private static LossTerms HintonTerms(GoldenCase golden, Tensor student)
    {
        var options = golden.Options();
        using var methods = new MethodSet([("kd", new HintonKd(options.Temperature, options.SoftTargetWeight))]);
        var step = new DistillationStep(student, golden.Teacher(), golden.LabelTensor(), Empty, Empty, zeros(1, ScalarType.Int64), 1);
        return DistillationObjective.Terms(methods, options.ResolvedHardLabelWeight(), step);
    }

    private static readonly IReadOnlyDictionary<string, Tensor> Empty = new Dictionary<string, Tensor>();

    private static GoldenCase Find(string name) => Cases.Value.Single(c => c.Name == name);

    private static void AssertClose(double expected, double actual, string context)
    {
        var tolerance = Math.Max(RelativeTolerance * Math.Abs(expected), AbsoluteTolerance);
        Assert.True(
            Math.Abs(actual - expected) <= tolerance,
            $"{context}: expected {expected:R}, got {actual:R} (difference {Math.Abs(actual - expected):E3}, tolerance {tolerance:E3}).");
    }

    private static void AssertClose(double[] expected, double[] actual, string context)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
            AssertClose(expected[i], actual[i], $"{context}, element {i}");
    }

    private static IReadOnlyList<GoldenCase> Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Golden", "kd_losses.json");
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

    /// <summary>One case of kd_losses.json; matrices are flat, row-major, shape [Batch, Classes].</summary>
    private sealed record GoldenCase
    {
        public required string Name { get; init; }
        public required int Batch { get; init; }
        public required int Classes { get; init; }
        public required double Temperature { get; init; }
        public required double HardLabelWeight { get; init; }
        public required double SoftTargetWeight { get; init; }
        public required double[] StudentLogits { get; init; }
        public required double[] TeacherLogits { get; init; }
        public required long[] Labels { get; init; }
        public required double[] SoftTargets { get; init; }
        public required double SoftLoss { get; init; }
        public required double HardLoss { get; init; }
        public required double Total { get; init; }
        public required double[] StudentLogitsGrad { get; init; }

        public Tensor Student() => tensor(StudentLogits, [Batch, Classes], ScalarType.Float64);

        public Tensor Teacher() => tensor(TeacherLogits, [Batch, Classes], ScalarType.Float64);

        public Tensor LabelTensor() => tensor(Labels, [Batch], ScalarType.Int64);

        public DistillationOptions Options() => new()
        {
            Temperature = Temperature,
            HardLabelWeight = HardLabelWeight,
            SoftTargetWeight = SoftTargetWeight,
        };
    }
}
