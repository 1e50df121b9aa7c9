using Distill.Models;
using Distill.Teachers;
using static TorchSharp.torch;

namespace Distill.Tests.Teachers;

/// <summary>
/// The three ways a teacher ensemble combines its members, checked against the single teacher
/// they should reduce to and against values computed here in plain double arithmetic.
/// </summary>
public sealed class TeacherEnsembleTests
{
    private static readonly float[,] First = { { 2.0f, -1.0f, 0.5f }, { 0.1f, 0.2f, 3.0f } };
    private static readonly float[,] Second = { { -0.5f, 1.5f, 0.0f }, { 4.0f, -2.0f, 1.0f } };

    private static Tensor Logits(float[,] values) => tensor(values);

    private static Tensor SoftTargets(Tensor logits, double temperature) => nn.functional.softmax(logits / temperature, 1);

    [Theory]
    [InlineData(EnsembleMode.Logits)]
    [InlineData(EnsembleMode.Probabilities)]
    [InlineData(EnsembleMode.Confidence)]
    public void An_ensemble_of_identical_teachers_gives_the_single_teachers_soft_targets(EnsembleMode mode)
    {
        using var scope = NewDisposeScope();
        var single = Logits(First);

        var combined = TeacherEnsemble.Combine([single, single.clone(), single.clone()], mode, temperature: 4);

        var expected = SoftTargets(single, 4);
        Assert.True(SoftTargets(combined, 4).allclose(expected, rtol: 1e-6, atol: 1e-7), $"{mode}: {Show(SoftTargets(combined, 4))} vs {Show(expected)}");
        // Hard predictions as well, at T = 1 (what the ensemble's own accuracy is measured on).
        Assert.Equal(single.argmax(1).data<long>().ToArray(), combined.argmax(1).data<long>().ToArray());
    }

    [Theory]
    [InlineData(EnsembleMode.Logits)]
    [InlineData(EnsembleMode.Probabilities)]
    [InlineData(EnsembleMode.Confidence)]
    public void An_ensemble_module_of_one_teacher_three_times_caches_the_single_teachers_targets(EnsembleMode mode)
    {
        manual_seed(3);
        using var teacher = ModelBuilder.Build(ModelSpec.Parse("mlp:16"), [1, 6, 6], 4);
        using var inputs = randn(20, 1, 6, 6);
        using var ensemble = new TeacherEnsemble([teacher, teacher, teacher], mode, temperature: 2);
        using var single = CachedTeacher.Compute(teacher, inputs, []);
        using var combined = CachedTeacher.Compute(ensemble, inputs, []);

        using var expected = SoftTargets(single.Logits, 2);
        using var actual = SoftTargets(combined.Logits, 2);
        Assert.True(actual.allclose(expected, rtol: 1e-5, atol: 1e-7));
    }

    [Fact]
    public void Averaged_logits_are_the_plain_mean()
    {
        using var scope = NewDisposeScope();

        var combined = TeacherEnsemble.Combine([Logits(First), Logits(Second)], EnsembleMode.Logits, temperature: 4);

        Assert.True(combined.allclose(tensor(new float[,] { { 0.75f, 0.25f, 0.25f }, { 2.05f, -0.9f, 2.0f } }), atol: 1e-6));
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(4.0)]
    public void Averaged_probabilities_are_the_mean_of_the_members_softmax_at_the_temperature(double temperature)
    {
        using var scope = NewDisposeScope();

        var combined = TeacherEnsemble.Combine([Logits(First), Logits(Second)], EnsembleMode.Probabilities, temperature);

        var expected = new double[2, 3];
        for (var row = 0; row < 2; row++)
        {
            var a = Softmax(Row(First, row), temperature);
            var b = Softmax(Row(Second, row), temperature);
            for (var c = 0; c < 3; c++) expected[row, c] = (a[c] + b[c]) / 2;
        }
        Assert.True(SoftTargets(combined, temperature).allclose(tensor(expected).to_type(ScalarType.Float32), atol: 1e-6));
    }

    [Fact]
    public void Confidence_weights_each_member_per_sample_by_its_top_probability()
    {
        using var scope = NewDisposeScope();
        const double temperature = 3.0;

        var combined = TeacherEnsemble.Combine([Logits(First), Logits(Second)], EnsembleMode.Confidence, temperature);

        // Row 0: the first member is surer (top probability at T = 1 of 0.786 against 0.736), so its
        // soft targets count for more; row 1 the other way round. Computed without torch.
        var expected = new double[2, 3];
        for (var row = 0; row < 2; row++)
        {
            double[] a = Row(First, row), b = Row(Second, row);
            var confidenceA = Softmax(a, 1).Max();
            var confidenceB = Softmax(b, 1).Max();
            var weightA = confidenceA / (confidenceA + confidenceB);
            var (softA, softB) = (Softmax(a, temperature), Softmax(b, temperature));
            for (var c = 0; c < 3; c++) expected[row, c] = weightA * softA[c] + (1 - weightA) * softB[c];
        }
        Assert.True(SoftTargets(combined, temperature).allclose(tensor(expected).to_type(ScalarType.Float32), atol: 1e-6),
            Show(SoftTargets(combined, temperature)));
        // And it is not simply the unweighted mean.
        var unweighted = TeacherEnsemble.Combine([Logits(First), Logits(Second)], EnsembleMode.Probabilities, temperature);
        Assert.False(SoftTargets(unweighted, temperature).allclose(tensor(expected).to_type(ScalarType.Float32), atol: 1e-4));
    }

    [Fact]
    public void Probabilities_far_below_float32_range_stay_finite()
    {
        using var scope = NewDisposeScope();
        var sharp = tensor(new float[,] { { 500f, -500f, 0f } });

        var combined = TeacherEnsemble.Combine([sharp, sharp * 0.5f], EnsembleMode.Probabilities, temperature: 1);

        Assert.True(combined.isfinite().all().item<bool>(), Show(combined));
    }

    [Fact]
    public void An_ensemble_refuses_feature_methods_in_one_sentence()
    {
        manual_seed(1);
        using var a = ModelBuilder.Build(ModelSpec.Parse("mlp:8"), [1, 6, 6], 4);
        using var b = ModelBuilder.Build(ModelSpec.Parse("mlp:8"), [1, 6, 6], 4);
        using var ensemble = new TeacherEnsemble([a, b], EnsembleMode.Logits, 4);
        using var features = randn(10, 1, 6, 6);
        using var frozen = new FrozenTeacher(ensemble, features);

        var error = Assert.Throws<DistillException>(() => frozen.Layers);

        Assert.Contains("only the logit methods", error.Message);
    }

    [Fact]
    public void An_ensemble_of_one_teacher_is_refused()
    {
        using var a = ModelBuilder.Build(ModelSpec.Parse("mlp:8"), [1, 6, 6], 4);

        var error = Assert.Throws<DistillException>(() => new TeacherEnsemble([a], EnsembleMode.Logits, 4));

        Assert.Equal("An ensemble needs at least 2 teachers, not 1.", error.Message);
    }

    private static string Show(Tensor values) => string.Join(", ", values.to_type(ScalarType.Float32).data<float>().ToArray());

    private static double[] Row(float[,] values, int row) => Enumerable.Range(0, values.GetLength(1)).Select(c => (double)values[row, c]).ToArray();

    private static double[] Softmax(double[] logits, double temperature)
    {
        var max = logits.Max() / temperature;
        var exps = logits.Select(z => Math.Exp(z / temperature - max)).ToArray();
        var sum = exps.Sum();
        return exps.Select(e => e / sum).ToArray();
    }
}
