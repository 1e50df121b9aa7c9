using Distill.Data;
using static TorchSharp.torch;

namespace Distill.Tests.Data;

public sealed class SplitAndNormalisationTests
{
    private static readonly int[] Labels = Enumerable.Range(0, 200).Select(i => i % 4).ToArray();

    [Fact]
    public void The_ratio_split_is_stratified_and_the_same_for_the_same_seed()
    {
        var parts = SplitRatios.Default.Assign(Labels, seed: 3);

        Assert.Equal(parts, SplitRatios.Default.Assign(Labels, seed: 3));
        Assert.NotEqual(parts, SplitRatios.Default.Assign(Labels, seed: 4));
        for (var label = 0; label < 4; label++)
        {
            var ofClass = parts.Where((_, i) => Labels[i] == label).ToList();
            Assert.Equal(40, ofClass.Count(p => p == 0));
            Assert.Equal(5, ofClass.Count(p => p == 1));
            Assert.Equal(5, ofClass.Count(p => p == 2));
        }
    }

    [Fact]
    public void A_tiny_class_keeps_at_least_one_training_row()
    {
        var parts = new SplitRatios(0.2, 0.4, 0.4).Assign([0, 1, 1, 1, 1, 1], seed: 1);

        Assert.Equal(0, parts[0]);
    }

    [Theory]
    [InlineData("0.8,0.1")]
    [InlineData("0.5,0.5,0.5")]
    [InlineData("1,0,0")]
    [InlineData("a,b,c")]
    public void Bad_ratios_are_refused_in_one_sentence(string text)
    {
        var error = Assert.Throws<DistillException>(() => SplitRatios.Parse(text));
        Assert.Contains("split ratios", error.Message);
    }

    [Fact]
    public void Normalisation_measures_each_channel_and_standardises_it()
    {
        using var features = stack([full(4, 2, 2, 1.0f), full(4, 2, 2, 5.0f), arange(16, ScalarType.Float32).view(4, 2, 2)], 1);

        var statistics = ChannelNormalization.Measure(features);

        Assert.Equal(1.0, statistics.Mean[0], 5);
        Assert.Equal(5.0, statistics.Mean[1], 5);
        Assert.Equal(7.5, statistics.Mean[2], 5);
        Assert.Equal(1.0, statistics.Std[0]);
        Assert.Equal(Math.Sqrt(Enumerable.Range(0, 16).Average(i => (i - 7.5) * (i - 7.5))), statistics.Std[2], 5);
        statistics.Apply(features);
        Assert.Equal(0f, features[.., 0].abs().max().item<float>());
        Assert.Equal(0f, features[.., 2].mean().item<float>(), 5);
    }
}
