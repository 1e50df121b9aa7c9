using Distill.Experiments;

namespace Distill.Tests.Experiments;

public sealed class MeanStdTests
{
    [Fact]
    public void The_deviation_is_the_sample_standard_deviation()
    {
        var stats = MeanStd.Of([0.95, 0.96, 0.97]);

        Assert.Equal(0.96, stats.Mean, 12);
        Assert.Equal(0.01, stats.Std, 12);
        Assert.Equal("96.00 ± 1.00%", stats.Format("F2", 100, "%"));
    }

    [Fact]
    public void One_run_shows_its_value_without_a_deviation()
    {
        Assert.Equal("410", MeanStd.Of([410]).Format("0.#"));
    }
}
