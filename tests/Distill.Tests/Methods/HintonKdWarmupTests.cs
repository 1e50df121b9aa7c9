using Distill.Losses;
using Distill.Methods;
using Distill.Runs;
using Distill.Studies;
using static TorchSharp.torch;

namespace Distill.Tests.Methods;

public sealed class HintonKdWarmupTests
{
    [Theory]
    [InlineData(0, 1, 4.0)]
    [InlineData(4, 1, 1.0)]
    [InlineData(4, 2, 1.75)]
    [InlineData(4, 3, 2.5)]
    [InlineData(4, 4, 3.25)]
    [InlineData(4, 5, 4.0)]
    [InlineData(4, 9, 4.0)]
    public void Kd_uses_the_temperature_of_the_step_epoch_on_a_linear_ramp_from_1_at_the_first_epoch(int warmupEpochs, int epoch, double temperature)
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
    public void The_default_warm_up_is_20_epochs_from_T_1_and_shows_in_the_description()
    {
        var options = new DistillationOptions();
        using var method = (HintonKd)HintonKd.Descriptor.Create(options, null!);

        Assert.Equal(20, options.TemperatureWarmupEpochs);
        Assert.Equal(1, method.TemperatureAt(1), 12);
        Assert.Equal(1 + 3 * 5 / 20.0, method.TemperatureAt(6), 12);
        Assert.Equal(4, method.TemperatureAt(21), 12);
        Assert.Equal(4, method.TemperatureAt(60), 12);
        Assert.Equal("T=4, hard=0.1, soft=0.9, T warm-up 20 ep", options.ToString());
        Assert.Equal("T=4, hard=0.1, soft=0.9", (options with { TemperatureWarmupEpochs = 0 }).ToString());
    }

    [Fact]
    public void The_library_api_sets_the_warm_up_through_kd_options()
    {
        Assert.Equal(20, new Distiller(Distill.Models.ModelSource.Spec("mlp:8"), Distill.Models.ModelSource.Spec("mlp:4")).Distillation().TemperatureWarmupEpochs);
        var fixedT = new Distiller(Distill.Models.ModelSource.Spec("mlp:8"), Distill.Models.ModelSource.Spec("mlp:4")).With(new KdOptions { TemperatureWarmupEpochs = 0 });
        Assert.Equal(0, fixedT.Distillation().TemperatureWarmupEpochs);
        Assert.Throws<DistillException>(() => new KdOptions { TemperatureWarmupEpochs = -2 }.Validate());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(20)]
    [InlineData(7)]
    public void The_warm_up_is_always_written_and_reads_back_as_written(int epochs)
    {
        var options = new DistillationOptions { TemperatureWarmupEpochs = epochs };

        var text = Json.Serialize(options);

        Assert.Contains($"\"temperatureWarmupEpochs\": {epochs}", text);
        Assert.Equal(options, System.Text.Json.JsonSerializer.Deserialize<DistillationOptions>(text, Json.Options));
    }

    [Fact]
    public void A_negative_warm_up_is_refused_naming_the_option()
    {
        var error = Assert.Throws<DistillException>(() => new DistillationOptions { TemperatureWarmupEpochs = -1 }.Validate());
        Assert.Contains("temperatureWarmupEpochs", error.Message);
    }
}
