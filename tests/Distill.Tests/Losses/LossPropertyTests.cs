using System.Text.Json;
using Distill.Losses;
using Distill.Methods;
using Distill.Training;
using static TorchSharp.torch;

namespace Distill.Tests.Losses;

/// <summary>
/// Properties of the logit-distillation losses that hold for any input, checked in float64 on
/// seeded random logits: they catch a wrong formula even where no golden value exists.
/// </summary>
public sealed class LossPropertyTests
{
    private const int Batch = 4;
    private const int Classes = 5;

    [Fact]
    public void At_temperature_1_soft_targets_are_the_plain_softmax()
    {
        using var scope = NewDisposeScope();
        var logits = RandomLogits(seed: 1, scale: 3.0);
        var values = logits.data<double>().ToArray();

        var soft = SoftTargets.Probabilities(logits, 1.0).data<double>().ToArray();

        Assert.Equal(nn.functional.softmax(logits, dim: -1).data<double>().ToArray(), soft);
        for (var row = 0; row < Batch; row++)
        {
            var slice = values.AsSpan(row * Classes, Classes).ToArray();
            var max = slice.Max();
            var sum = slice.Sum(z => Math.Exp(z - max));
            for (var c = 0; c < Classes; c++)
                Assert.Equal(Math.Exp(slice[c] - max) / sum, soft[row * Classes + c], 1e-15);
        }
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(2.0)]
    [InlineData(4.0)]
    [InlineData(20.0)]
    public void The_autograd_gradient_of_the_soft_target_KL_matches_central_differences(double temperature)
    {
        using var scope = NewDisposeScope();
        var student = RandomLogits(seed: 2, scale: 3.0);
        var teacher = RandomLogits(seed: 3, scale: 3.0);
        var input = student.clone().requires_grad_();
        DistillationLosses.SoftTargetKl(input, teacher, temperature).backward();
        var autograd = input.grad!.data<double>().ToArray();
        var point = student.data<double>().ToArray();

        // Central differences err by O(h^2) from the third derivative and by eps * f / h from rounding;
        // h = 1e-5 keeps both near 1e-10 for losses of order 1 to 100.
        const double h = 1e-5;
        for (var i = 0; i < point.Length; i++)
        {
            var numeric = (Loss(point, i, +h) - Loss(point, i, -h)) / (2 * h);
            Assert.True(
                Math.Abs(numeric - autograd[i]) <= 1e-7 * Math.Max(1.0, Math.Abs(autograd[i])),
                $"T={temperature}, element {i}: autograd {autograd[i]:R}, central difference {numeric:R}.");
        }

        double Loss(double[] at, int index, double step)
        {
            using var inner = NewDisposeScope();
            var moved = (double[])at.Clone();
            moved[index] += step;
            var logits = tensor(moved, [Batch, Classes], ScalarType.Float64);
            return DistillationLosses.SoftTargetKl(logits, teacher, temperature).item<double>();
        }
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(4.0)]
    [InlineData(20.0)]
    public void The_soft_target_KL_and_its_gradient_are_zero_when_student_logits_equal_teacher_logits(double temperature)
    {
        using var scope = NewDisposeScope();
        var teacher = RandomLogits(seed: 4, scale: 5.0);
        var student = teacher.clone().requires_grad_();

        var loss = DistillationLosses.SoftTargetKl(student, teacher, temperature);
        loss.backward();

        Assert.Equal(0.0, loss.item<double>(), 1e-12);
        Assert.All(student.grad!.data<double>().ToArray(), g => Assert.Equal(0.0, g, 1e-12));
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(3.0)]
    [InlineData(10.0)]
    public void Scaling_logits_and_temperature_together_by_k_scales_the_loss_by_k_squared_and_its_gradient_by_k(double k)
    {
        // softmax(k z / (k T)) = softmax(z / T), so T^2 * KL grows by k^2 and, with respect to the
        // k-times larger logits, its gradient by k^2 / k = k.
        using var scope = NewDisposeScope();
        const double temperature = 2.0;
        var student = RandomLogits(seed: 5, scale: 2.0);
        var teacher = RandomLogits(seed: 6, scale: 2.0);
        var (baseLoss, baseGradient) = LossAndGradient(student, teacher, temperature);

        var (scaledLoss, scaledGradient) = LossAndGradient(student * k, teacher * k, k * temperature);

        Assert.Equal(k * k * baseLoss, scaledLoss, 1e-12 * k * k * baseLoss);
        for (var i = 0; i < baseGradient.Length; i++)
            Assert.Equal(k * baseGradient[i], scaledGradient[i], 1e-12 * k);
    }

    [Fact]
    public void The_T_squared_factor_keeps_soft_target_gradients_on_one_scale_as_the_temperature_grows()
    {
        // Hinton et al. 2015, section 2.1: without T^2 the soft-target gradients shrink like 1/T^2; with
        // it they tend to the logit-matching gradient (d - mean_classes(d)) / (B C), d = z_s - z_t, and
        // the remaining error shrinks like 1/T.
        using var scope = NewDisposeScope();
        var student = RandomLogits(seed: 7, scale: 2.0);
        var teacher = RandomLogits(seed: 8, scale: 2.0);
        var difference = student - teacher;
        var limit = ((difference - difference.mean([-1], keepdim: true)) / (Batch * Classes)).data<double>().ToArray();
        double[] temperatures = [10.0, 100.0, 1000.0];

        var errors = new List<double>();
        var unscaledNorms = new List<double>();
        foreach (var temperature in temperatures)
        {
            var (_, gradient) = LossAndGradient(student, teacher, temperature);
            errors.Add(Norm(gradient.Zip(limit, (g, l) => g - l)) / Norm(limit));
            unscaledNorms.Add(Norm(gradient) / (temperature * temperature));
        }

        Assert.True(errors[^1] < 1e-3, $"Relative distance to the logit-matching gradient at T=1000: {errors[^1]:E3}.");
        for (var i = 1; i < temperatures.Length; i++)
        {
            var ratio = temperatures[i] / temperatures[i - 1];
            Assert.InRange(errors[i - 1] / errors[i], 0.8 * ratio, 1.25 * ratio);
            Assert.InRange(unscaledNorms[i - 1] / unscaledNorms[i], 0.95 * ratio * ratio, 1.05 * ratio * ratio);
        }
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void A_temperature_that_is_not_a_positive_number_is_refused_with_its_value(double temperature)
    {
        using var scope = NewDisposeScope();
        var logits = RandomLogits(seed: 9, scale: 1.0);
        var expected = $"The temperature must be a number above 0 and at most 1000, not {temperature}.";

        Assert.Equal(expected, Assert.Throws<DistillException>(() => SoftTargets.Probabilities(logits, temperature)).Message);
        Assert.Equal(expected, Assert.Throws<DistillException>(() => SoftTargets.LogProbabilities(logits, temperature)).Message);
        Assert.Equal(expected, Assert.Throws<DistillException>(() => DistillationLosses.SoftTargetKl(logits, logits, temperature)).Message);
        Assert.Equal(expected, Assert.Throws<DistillException>(new DistillationOptions { Temperature = temperature }.Validate).Message);
    }

    [Theory]
    [InlineData(nameof(DistillationOptions.HardLabelWeight), -0.1)]
    [InlineData(nameof(DistillationOptions.SoftTargetWeight), -1.0)]
    [InlineData(nameof(DistillationOptions.HardLabelWeight), double.NaN)]
    [InlineData(nameof(DistillationOptions.SoftTargetWeight), double.NaN)]
    [InlineData(nameof(DistillationOptions.SoftTargetWeight), double.PositiveInfinity)]
    public void A_negative_or_non_finite_weight_is_refused_with_its_option_name(string option, double weight)
    {
        var options = option == nameof(DistillationOptions.HardLabelWeight)
            ? new DistillationOptions { HardLabelWeight = weight }
            : new DistillationOptions { SoftTargetWeight = weight };

        var error = Assert.Throws<DistillException>(options.Validate);

        Assert.Equal($"The weight '{JsonNamingPolicy.CamelCase.ConvertName(option)}' must be a number from 0 to 1000000, not {weight}.", error.Message);
    }

    [Fact]
    public void Both_weights_zero_is_refused_because_nothing_would_be_learned()
    {
        var options = new DistillationOptions { HardLabelWeight = 0, SoftTargetWeight = 0 };

        var error = Assert.Throws<DistillException>(options.Validate);

        Assert.Equal("The hard-label weight and the soft-target weight cannot both be 0.", error.Message);
    }

    [Fact]
    public void Student_and_teacher_logits_of_different_shapes_are_refused_with_both_shapes()
    {
        using var scope = NewDisposeScope();
        var student = zeros([2, 3], ScalarType.Float64);
        var teacher = zeros([2, 4], ScalarType.Float64);
        var labels = tensor(new long[] { 0, 1 });
        using var methods = new MethodSet([("kd", new HintonKd(4, 0.9))]);
        var empty = new Dictionary<string, Tensor>();

        var direct = Assert.Throws<DistillException>(() => DistillationLosses.SoftTargetKl(student, teacher, 4.0));
        var throughMethod = Assert.Throws<DistillException>(() => DistillationObjective.Terms(methods, 0.1, new DistillationStep(student, teacher, labels, empty, empty, labels, 1)));

        foreach (var error in new[] { direct, throughMethod })
        {
            Assert.Contains("[2, 3]", error.Message);
            Assert.Contains("[2, 4]", error.Message);
            Assert.Contains("differ in shape", error.Message);
        }
    }

    private static Tensor RandomLogits(int seed, double scale)
    {
        var random = new Random(seed);
        var values = new double[Batch * Classes];
        for (var i = 0; i < values.Length; i++) values[i] = scale * (2 * random.NextDouble() - 1);
        return tensor(values, [Batch, Classes], ScalarType.Float64);
    }

    private static (double Loss, double[] Gradient) LossAndGradient(Tensor student, Tensor teacher, double temperature)
    {
        var input = student.detach().clone().requires_grad_();
        var loss = DistillationLosses.SoftTargetKl(input, teacher, temperature);
        loss.backward();
        return (loss.item<double>(), input.grad!.data<double>().ToArray());
    }

    private static double Norm(IEnumerable<double> values) => Math.Sqrt(values.Sum(v => v * v));
}
