using System.Text.Json;
using Distill.Losses;
using Distill.Methods;
using Distill.Tests.Support;
using static TorchSharp.torch;

namespace Distill.Tests.Losses;

/// <summary>
/// The logit losses of mse, reverse-kl, jsd and deep mutual learning against values and gradients written by
/// Golden/logit_losses.py, PyTorch in float64 (rerun: /usr/bin/python3 tests/Distill.Tests/Golden/logit_losses.py).
/// Tolerance: 1e-9 relative to the expected value; gradient entries 1e-9 of the gradient's largest entry.
/// </summary>
public sealed class LogitLossGoldenTests
{
    private const double Tolerance = 1e-9;

    private static readonly Lazy<IReadOnlyList<GoldenCase>> Cases = new(Load);

    public static TheoryData<string> CaseNames() => [.. Cases.Value.Select(c => c.Name)];

    [Fact]
    public void The_golden_file_covers_every_loss_both_jsd_limits_a_mixture_and_three_peers()
    {
        Assert.Equal(["dml", "jsd", "mse", "reverse_kl"], Cases.Value.Select(c => c.Function).Distinct().Order());
        var betas = Cases.Value.Where(c => c.Function == "jsd").Select(c => c.Parameters["beta"]).Distinct().Order();
        Assert.Equal([0.0, 0.1, 0.5, 0.9, 1.0], betas);
        Assert.Contains(Cases.Value, c => c.Function == "dml" && c.Student.Shape[0] == 3);
        Assert.All(Cases.Value, c => Assert.True(c.Value > 1e-3 && c.Gradient.Data.Max(Math.Abs) > 1e-4, $"{c.Name}: too close to 0 to tell formulas apart."));
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void The_loss_and_its_gradient_match_PyTorch(string name)
    {
        using var scope = NewDisposeScope();
        var golden = Cases.Value.Single(c => c.Name == name);
        var student = golden.Student.ToTensor().requires_grad_(true);

        var loss = Compute(golden, student, golden.Teacher.ToTensor());
        loss.backward();

        golden.Gradient.AssertLossAndGradient(name, loss, student.grad!, golden.Value, Tolerance);
    }

    [Fact]
    public void The_jsd_limits_are_kds_forward_KL_and_the_reverse_KL()
    {
        using var scope = NewDisposeScope();
        var golden = Cases.Value.First(c => c.Function == "reverse_kl");
        var (student, teacher) = (golden.Student.ToTensor(), golden.Teacher.ToTensor());

        Assert.Equal(DistillationLosses.SoftTargetKl(student, teacher, 3).item<double>(), LogitDivergences.JensenShannon(student, teacher, 0, 3).item<double>(), 12);
        Assert.Equal(LogitDivergences.ReverseKl(student, teacher, 3).item<double>(), LogitDivergences.JensenShannon(student, teacher, 1, 3).item<double>(), 12);
        Assert.Equal(0, LogitDivergences.JensenShannon(teacher, teacher, 0.5, 3).item<double>(), 12);
    }

    [Fact]
    public void Each_method_adds_its_weighted_term_under_its_name()
    {
        using var scope = NewDisposeScope();
        var golden = Cases.Value.First(c => c.Function == "reverse_kl");
        var step = new DistillationStep(golden.Student.ToTensor(), golden.Teacher.ToTensor(), zeros(golden.Student.Shape[0], dtype: ScalarType.Int64),
            new Dictionary<string, Tensor>(), new Dictionary<string, Tensor>(), arange(golden.Student.Shape[0]), 1);
        var options = new DistillationOptions()
            .With(new MeanSquaredLogitsOptions { LogitWeight = 2 })
            .With(new ReverseKlOptions { DivergenceWeight = 3, Temperature = 2 })
            .With(new JensenShannonOptions { DivergenceWeight = 5, Beta = 0.25, Temperature = 2 });
        var (student, teacher) = (step.StudentLogits, step.TeacherLogits);

        (string Method, string Term, double Expected)[] cases =
        [
            ("mse", "logit_mse", 2 * LogitDivergences.MeanSquaredError(student, teacher).item<double>()),
            ("reverse-kl", "reverse_kl", 3 * LogitDivergences.ReverseKl(student, teacher, 2).item<double>()),
            ("jsd", "jsd", 5 * LogitDivergences.JensenShannon(student, teacher, 0.25, 2).item<double>()),
        ];
        foreach (var (method, term, expected) in cases)
        {
            using var module = MethodRegistry.Find(method).Create(options with { Method = method }, new MethodContext([], [], 10, 8, 1));
            using var terms = module.call(step);
            Assert.Equal(expected, terms.Terms.Single(t => t.Name == term).Value.item<double>(), 9);
        }
        Assert.Equal(1, MethodRegistry.Find("mse").DefaultHardLabelWeight);
    }

    [Theory]
    [InlineData("mse", "logitWeight", -1, "The weight 'mse.logitWeight' must be a number from 0 to 1000000, not -1.")]
    [InlineData("reverse-kl", "temperature", 0, "The option 'reverse-kl.temperature' must be a number above 0 and at most 1000, not 0.")]
    [InlineData("jsd", "beta", 1.5, "The option 'jsd.beta' must be a number from 0 to 1, not 1.5.")]
    public void A_bad_option_is_refused_in_one_sentence_naming_it(string method, string key, double value, string message)
    {
        var options = new DistillationOptions { Method = method };
        options = key switch
        {
            "logitWeight" => options.With(new MeanSquaredLogitsOptions { LogitWeight = value }),
            "temperature" => options.With(new ReverseKlOptions { Temperature = value }),
            _ => options.With(new JensenShannonOptions { Beta = value }),
        };

        Assert.Equal(message, Assert.Throws<DistillException>(options.Validate).Message);
    }

    private static Tensor Compute(GoldenCase golden, Tensor student, Tensor teacher) => golden.Function switch
    {
        "dml" => MutualTotal(student, tensor(golden.Labels!, [golden.Labels!.Length], ScalarType.Int64), golden.Parameters["temperature"]),
        "mse" => LogitDivergences.MeanSquaredError(student, teacher),
        "reverse_kl" => LogitDivergences.ReverseKl(student, teacher, golden.Parameters["temperature"]),
        "jsd" => LogitDivergences.JensenShannon(student, teacher, golden.Parameters["beta"], golden.Parameters["temperature"]),
        _ => throw new InvalidDataException($"logit_losses.json names an unknown function '{golden.Function}'."),
    };

    /// <summary>What <see cref="Distill.Training.MutualObjective"/> sums for peers stacked [K, batch, classes] at mimicry weight 1.</summary>
    private static Tensor MutualTotal(Tensor stacked, Tensor labels, double temperature)
    {
        var peers = Enumerable.Range(0, (int)stacked.shape[0]).Select(i => stacked[i]).ToList();
        var total = zeros([], dtype: ScalarType.Float64);
        for (var i = 0; i < peers.Count; i++)
            total = total + DistillationLosses.HardLabelCrossEntropy(peers[i], labels) + MutualLearningLoss.Mimicry(peers, i, temperature);
        return total;
    }

    private static IReadOnlyList<GoldenCase> Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Golden", "logit_losses.json");
        var file = JsonSerializer.Deserialize<GoldenFile>(File.ReadAllText(path), new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower })
            ?? throw new InvalidDataException($"{path} holds no golden cases.");
        return file.Cases;
    }

    private sealed record GoldenFile(IReadOnlyList<GoldenCase> Cases);

    /// <summary>One case of logit_losses.json: both models' logits, the loss's parameters, its value and its gradient for the student's.</summary>
    private sealed record GoldenCase(string Name, string Function, Dictionary<string, double> Parameters, GoldenTensor Student, GoldenTensor Teacher, double Value, GoldenTensor Gradient)
    {
        public long[]? Labels { get; init; }
    }
}
