using Distill.Losses;
using static TorchSharp.torch;

namespace Distill.Tests.Losses;

/// <summary>
/// Properties of the method zoo's losses that hold for any input, in float64 on seeded random
/// tensors: a student that copies the teacher pays nothing, shapes that cannot pair are refused
/// with a message, and the DKD warm-up ramps as mdistiller's does.
/// </summary>
public sealed class MethodLossPropertyTests
{
    [Fact]
    public void A_student_identical_to_the_teacher_pays_no_feature_loss()
    {
        using var scope = NewDisposeScope();
        var maps = Random(1, 4, 6, 5, 5);
        var embeddings = Random(2, 6, 12);

        Assert.Equal(0.0, FitNetsLoss.Hint(maps, maps.clone()).item<double>());
        Assert.Equal(0.0, AttentionTransferLoss.Pair(maps, maps.clone()).item<double>());
        Assert.Equal(0.0, SimilarityPreservingLoss.Compute(embeddings, embeddings.clone()).item<double>());
        Assert.Equal(0.0, RelationalKnowledgeLoss.Distance(embeddings, embeddings.clone()).item<double>());
        Assert.Equal(0.0, RelationalKnowledgeLoss.Angle(embeddings, embeddings.clone()).item<double>());
        Assert.Equal(0.0, ProbabilisticKnowledgeLoss.Compute(embeddings, embeddings.clone()).item<double>(), 1e-15);
        Assert.Equal(0.0, NeuronSelectivityLoss.Pair(maps, maps.clone()).item<double>(), 1e-14);
    }

    [Fact]
    public void A_student_identical_to_the_teacher_pays_no_logit_loss()
    {
        using var scope = NewDisposeScope();
        var logits = Random(3, 6, 10) * 4.0;
        var labels = tensor(new long[] { 0, 3, 9, 1, 1, 5 });

        var (targetClass, nonTargetClass) = DecoupledKnowledgeLoss.Parts(logits, logits.clone(), labels, 4.0);

        Assert.Equal(0.0, targetClass.item<double>(), 1e-14);
        Assert.Equal(0.0, nonTargetClass.item<double>(), 1e-14);
        Assert.Equal(0.0, LogitStandardizationLoss.Compute(logits, logits.clone(), 2.0).item<double>(), 1e-14);
    }

    [Fact]
    public void Standardized_logits_have_zero_mean_and_unit_unbiased_deviation_per_example()
    {
        using var scope = NewDisposeScope();
        var logits = Random(4, 5, 10) * 7.0 + 3.0;

        var standardized = LogitStandardizationLoss.Standardize(logits);

        Assert.All(standardized.mean([1]).data<double>().ToArray(), m => Assert.Equal(0.0, m, 1e-12));
        Assert.All(standardized.std(1, unbiased: true).data<double>().ToArray(), s => Assert.Equal(1.0, s, 1e-6));
    }

    [Fact]
    public void Logit_standardization_ignores_a_shift_and_a_scale_of_either_network()
    {
        using var scope = NewDisposeScope();
        var student = Random(5, 4, 10);
        var teacher = Random(6, 4, 10) * 5.0;

        var plain = LogitStandardizationLoss.Compute(student, teacher, 2.0).item<double>();
        var moved = LogitStandardizationLoss.Compute(student * 3.0 + 1.0, teacher * 0.5 - 2.0, 2.0).item<double>();

        Assert.Equal(plain, moved, 1e-6);
    }

    [Theory]
    [InlineData(1, 20, 0.05)]
    [InlineData(10, 20, 0.5)]
    [InlineData(20, 20, 1.0)]
    [InlineData(240, 20, 1.0)]
    [InlineData(0, 1, 0.0)]
    public void The_DKD_warm_up_rises_linearly_to_1_and_stays_there(int epoch, int warmupEpochs, double expected)
    {
        Assert.Equal(expected, DecoupledKnowledgeLoss.WarmupFactor(epoch, warmupEpochs), 1e-15);
    }

    [Fact]
    public void A_DKD_warm_up_of_zero_epochs_is_refused()
    {
        var error = Assert.Throws<DistillException>(() => DecoupledKnowledgeLoss.WarmupFactor(1, 0));
        Assert.Contains("warm-up", error.Message);
    }

    [Fact]
    public void The_CRD_loss_falls_as_the_positive_score_rises_above_the_negatives()
    {
        using var scope = NewDisposeScope();
        var weak = tensor(new[] { 0.001, 0.01, 0.01, 0.01 }, [1, 4], ScalarType.Float64);
        var strong = tensor(new[] { 1.0, 0.0001, 0.0001, 0.0001 }, [1, 4], ScalarType.Float64);

        var weakLoss = ContrastiveRepresentationLoss.Nce(weak, 100).item<double>();
        var strongLoss = ContrastiveRepresentationLoss.Nce(strong, 100).item<double>();

        Assert.True(strongLoss < weakLoss, $"strong {strongLoss} should be below weak {weakLoss}");
    }

    [Fact]
    public void CRD_memory_rows_receive_no_gradient()
    {
        using var scope = NewDisposeScope();
        var rows = Random(7, 2, 5, 8).requires_grad_();
        var embeddings = nn.functional.normalize(Random(8, 2, 8), dim: 1).requires_grad_();

        ContrastiveRepresentationLoss.Nce(ContrastiveRepresentationLoss.Scores(rows, embeddings, 0.07, 10.0), 50).backward();

        Assert.Null(rows.grad);
        Assert.NotNull(embeddings.grad);
    }

    [Fact]
    public void Feature_losses_name_the_shapes_they_cannot_pair()
    {
        using var scope = NewDisposeScope();

        var hint = Assert.Throws<DistillException>(() => FitNetsLoss.Hint(Random(1, 2, 4, 3, 3), Random(2, 2, 8, 3, 3)));
        var attention = Assert.Throws<DistillException>(() => AttentionTransferLoss.Pair(Random(1, 2, 4, 3, 3), Random(2, 3, 4, 3, 3)));
        var relational = Assert.Throws<DistillException>(() => RelationalKnowledgeLoss.Distance(Random(1, 2, 4), Random(2, 3, 4)));
        var stages = Assert.Throws<DistillException>(() => NeuronSelectivityLoss.Sum([Random(1, 2, 4, 3, 3)], []));

        Assert.Contains("[2, 4, 3, 3]", hint.Message);
        Assert.Contains("[2, 8, 3, 3]", hint.Message);
        Assert.Contains("[3, 4, 3, 3]", attention.Message);
        Assert.Contains("[3, 4]", relational.Message);
        Assert.Contains("pairs", stages.Message);
    }

    private static Tensor Random(int seed, params long[] shape)
    {
        var generator = new Generator((ulong)seed);
        return randn(shape, ScalarType.Float64, generator: generator);
    }
}
