using System.Text.Json;
using Distill.Experiments;

namespace Distill.Tests.Experiments;

public sealed class SweepPlannerTests
{
    private static SweepOptions Sweep(string parameters, SweepMode mode = SweepMode.Grid, int samples = 10, bool complementary = false) => new()
    {
        Mode = mode,
        Parameters = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(parameters)!,
        Samples = samples,
        ComplementaryHardWeight = complementary,
    };

    [Fact]
    public void A_grid_is_every_combination_in_key_order()
    {
        var points = SweepPlanner.Points(Sweep("""{ "distillation.temperature": [2, 4, 8], "distillation.softTargetWeight": [0.5, 0.9] }"""));

        Assert.Equal(6, points.Count);
        Assert.Equal(["p1", "p2", "p3", "p4", "p5", "p6"], points.Select(p => p.Id));
        Assert.Equal("temperature=2, softTargetWeight=0.5", points[0].Label);
        Assert.Equal("temperature=8, softTargetWeight=0.9", points[5].Label);
        Assert.Equal("--set distillation.temperature=4 --set distillation.softTargetWeight=0.5", points[2].SetFlags);
    }

    [Fact]
    public void The_complementary_hard_weight_is_one_minus_the_soft_weight()
    {
        var points = SweepPlanner.Points(Sweep("""{ "distillation.softTargetWeight": [0.7, 0.9] }""", complementary: true));

        Assert.Equal(["0.3", "0.1"], points.Select(p => p.Value(SweepPlanner.HardWeightKey)));
    }

    [Fact]
    public void A_random_search_is_repeatable_and_stays_inside_its_ranges()
    {
        var sweep = Sweep("""{ "distillation.temperature": { "min": 1, "max": 20, "log": true }, "studentSpec": ["mlp:8", "mlp:16"] }""",
            SweepMode.Random, samples: 6);

        var first = SweepPlanner.Points(sweep);
        var second = SweepPlanner.Points(sweep);

        Assert.Equal(6, first.Count);
        Assert.Equal(first.Select(p => p.SetFlags), second.Select(p => p.SetFlags));
        Assert.All(first, p => Assert.InRange(double.Parse(p.Value("distillation.temperature")!, System.Globalization.CultureInfo.InvariantCulture), 1, 20));
        Assert.All(first, p => Assert.Contains(p.Value("studentSpec"), new[] { "\"mlp:8\"", "\"mlp:16\"" }));
    }

    [Theory]
    [InlineData("""{ "teacherTraining.epochs": [1, 2] }""", "would change the teacher")]
    [InlineData("""{ "distillation.temperature": [] }""", "non-empty list")]
    [InlineData("""{ }""", "at least one key")]
    public void A_sweep_that_cannot_share_one_teacher_or_is_empty_is_rejected(string parameters, string message)
    {
        var error = Assert.Throws<DistillException>(() => SweepPlanner.Points(Sweep(parameters)));

        Assert.Contains(message, error.Message);
    }
}
