using System.Text.Json;
using Distill.Evaluation;
using Distill.Experiments;
using Distill.Reports;
using Distill.Studies;

namespace Distill.Tests.Evaluation;

public sealed class PairedDifferenceTests
{
    [Fact]
    public void Student_t_quantiles_and_distribution_match_scipy()
    {
        var golden = Golden();
        // SciPy's t.ppf is itself good to about 2e-9 relative (at p 0.995, df 3 its quantile's own cdf is
        // 0.99499999998); the distribution function, matched to 1e-12 below, pins the quantile further.
        foreach (var q in golden.Quantiles)
        {
            var t = StudentT.Quantile(q.P, q.Df);
            Assert.Equal(q.T, t, Math.Abs(q.T) * 1e-8);
            Assert.Equal(q.P, StudentT.Cdf(t, q.Df), 1e-13);
        }
        foreach (var c in golden.Cdfs)
            Assert.Equal(c.Cdf, StudentT.Cdf(c.X, c.Df), 1e-12);
    }

    [Fact]
    public void Paired_interval_matches_scipy_ttest_rel()
    {
        foreach (var c in Golden().Cases)
        {
            var difference = PairedDifference.Of(c.First.Zip(c.Second))!;

            Assert.Equal(c.First.Length, difference.Count);
            Assert.Equal(c.Mean, difference.Mean, 1e-12);
            Assert.Equal(c.Low, difference.Low, Math.Abs(c.Low) * 1e-8);
            Assert.Equal(c.High, difference.High, Math.Abs(c.High) * 1e-8);
            // The two-sided p-value is below 0.05 exactly when the 95 % interval excludes zero.
            Assert.Equal(c.PValue < 0.05, difference.ExcludesZero);
        }
    }

    [Fact]
    public void Seeds_won_count_the_better_side_and_leave_ties_out()
    {
        var accuracy = PairedDifference.Of([(0.98, 0.97), (0.96, 0.97), (0.97, 0.97)])!;
        var errors = PairedDifference.Of([(100.0, 120.0), (130.0, 120.0), (90.0, 120.0)], higherIsBetter: false)!;

        Assert.Equal((1, 1), (accuracy.Won, accuracy.Lost));
        Assert.Equal((2, 1), (errors.Won, errors.Lost));
        Assert.Equal("won 2 of 3", errors.FormatWins());
    }

    [Fact]
    public void One_pair_has_no_interval()
    {
        Assert.Null(PairedDifference.Of([(0.98, 0.97)]));
    }

    [Fact]
    public void Interval_is_formatted_with_signs()
    {
        var difference = new PairedDifference(3, 0.0012, -0.0005, 0.0029, 2, 1);

        Assert.Equal("+0.12 [-0.05, +0.29] pp", difference.FormatInterval("F2", 100, " pp"));
    }

    [Fact]
    public void Experiment_rows_pair_distilled_with_scratch_and_each_method_with_kd_by_seed()
    {
        SweepPoint Point(string id, string method) => new(id, [new("distillation.method", $"\"{method}\""), new("distillation.temperature", "4")]);
        var kd = Point("p1", "kd");
        var sp = Point("p2", "sp");
        // Scratch errors 100 + seed; kd saves 10, 12 and 14 errors; sp saves 2 more than kd on seeds 1 and 2, 1 fewer on seed 3.
        var runs = new List<PointRun>();
        foreach (var seed in new[] { 1, 2, 3 })
        {
            var scratch = Outcome(ModelRole.Scratch, 100 + seed);
            var kdErrors = 100 + seed - (8 + 2 * seed);
            runs.Add(new PointRun(kd, seed, scratch, Outcome(ModelRole.Distilled, kdErrors), "."));
            runs.Add(new PointRun(sp, seed, scratch, Outcome(ModelRole.Distilled, seed == 3 ? kdErrors + 1 : kdErrors - 2), "."));
        }
        var result = new ExperimentResult("methods", null, ".", "mnist", 10_000, 0, [1, 2, 3], ["distillation.method"],
            Outcome(ModelRole.Teacher, 50), runs, "distill run x.json", DateTimeOffset.UnixEpoch);

        var rows = PairedComparisons.Rows(result);

        Assert.Equal(3, rows.Count);
        Assert.StartsWith("p1 (method=kd, temperature=4): distilled − scratch", rows[0][0]);
        Assert.Equal("won 3 of 3", rows[0][4]);
        var expected = PairedDifference.Of([(-10.0, 0.0), (-12.0, 0.0), (-14.0, 0.0)], higherIsBetter: false)!;
        Assert.Equal(expected.FormatInterval("0.#"), rows[0][3]);
        Assert.Equal("p2 (method=sp, temperature=4) − p1 (kd)", rows[2][0]);
        Assert.Equal("won 2 of 3", rows[2][4]);
        Assert.Equal(PairedDifference.Of([(-2.0, 0.0), (-2.0, 0.0), (1.0, 0.0)], higherIsBetter: false)!.FormatInterval("0.#"), rows[2][3]);
    }

    [Fact]
    public void One_seed_gives_no_rows()
    {
        var point = SweepPoint.Base;
        var result = new ExperimentResult("study", null, ".", "mnist", 10_000, 0, [1], [], Outcome(ModelRole.Teacher, 50),
            [new PointRun(point, 1, Outcome(ModelRole.Scratch, 120), Outcome(ModelRole.Distilled, 110), ".")], "distill compare", DateTimeOffset.UnixEpoch);

        Assert.Empty(PairedComparisons.Rows(result));
    }

    private static ModelOutcome Outcome(ModelRole role, long errors) =>
        new(role, "mlp:8", 10, 40, "", 1 - errors / 10_000.0, errors, 1 - errors / 10_000.0, errors, 1, 1, 1, 0.1, "best.bin", [], []);

    private static GoldenFile Golden()
    {
        using var stream = File.OpenRead(Path.Combine(AppContext.BaseDirectory, "Golden", "paired_differences.json"));
        return JsonSerializer.Deserialize<GoldenFile>(stream, new JsonSerializerOptions(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower })!;
    }

    private sealed record GoldenFile(IReadOnlyList<QuantileCase> Quantiles, IReadOnlyList<CdfCase> Cdfs, IReadOnlyList<PairCase> Cases);

    private sealed record QuantileCase(double P, double Df, double T);

    private sealed record CdfCase(double X, double Df, double Cdf);

    private sealed record PairCase(double[] First, double[] Second, double Mean, double Low, double High, double PValue);
}
