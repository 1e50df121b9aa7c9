using Distill.Losses;
using Distill.Methods;
using static TorchSharp.torch;

namespace Distill.Tests.Methods;

public sealed class HintonKdWarmupTests
{
    [Theory]
    [InlineData(0, 1, 4.0)]
    [InlineData(4, 1, 1.75)]
    [InlineData(4, 2, 2.5)]
    [InlineData(4, 4, 4.0)]
    [InlineData(4, 9, 4.0)]
    public void Kd_uses_the_temperature_of_the_step_epoch_on_a_linear_ramp_from_1(int warmupEpochs, int epoch, double temperature)
    {
        manual_seed(5);
        using var scope = NewDisposeScope();
        var student = randn(6, 10);
        var teacher = randn(6, 10) * 5;
        using var method = new HintonKd(4, 0.9, warmupEpochs);

        using var terms = method.call(new DistillationStep(student, teacher, randint(0, 10, [6]),
            new Dictionary<string, Tensor>(), new Dictionary<string, Tensor>(), arange(6), epoch));

        Assert.Equal(temperature, method.TemperatureAt(epoch), 12);
        var expected = DistillationLosses.SoftTargetKl(student, teacher, temperature).item<float>();
        Assert.Equal("soft_kl", terms.Terms.Single().Name);
        Assert.Equal(expected, terms.Unweighted.Single().Value.item<float>(), 1e-5);
        Assert.Equal(0.9 * expected, terms.Terms.Single().Value.item<float>(), 1e-5);
    }

    [Fact]
    public void The_warm_up_reaches_kd_from_an_experiment_file_and_shows_in_its_description()
    {
        var options = new DistillationOptions { TemperatureWarmupEpochs = 20 };
        using var method = (HintonKd)HintonKd.Descriptor.Create(options, null!);

        Assert.Equal(1 + 3 * 5 / 20.0, method.TemperatureAt(5), 12);
        Assert.Equal("T=4, hard=0.1, soft=0.9, T warm-up 20 ep", options.ToString());
        Assert.Equal("T=4, hard=0.1, soft=0.9", new DistillationOptions().ToString());
    }

    [Fact]
    public void A_negative_warm_up_is_refused_naming_the_option()
    {
        var error = Assert.Throws<DistillException>(() => new DistillationOptions { TemperatureWarmupEpochs = -1 }.Validate());
        Assert.Contains("temperatureWarmupEpochs", error.Message);
    }
}
