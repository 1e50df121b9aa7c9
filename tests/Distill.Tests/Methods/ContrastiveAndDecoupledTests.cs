using Distill.Losses;
using Distill.Methods;
using static TorchSharp.torch;

namespace Distill.Tests.Methods;

public sealed class ContrastiveAndDecoupledTests
{
    [Theory]
    [InlineData(1, 4, 3, 8, 0.07, 1.0)]
    [InlineData(2, 16, 40, 32, 0.1, 250.0)]
    [InlineData(3, 1, 1, 5, 0.5, 0.01)]
    public void Shared_scores_equal_the_per_sample_scores_of_rows_that_repeat_the_shared_negatives(
        int seed, int batch, int negatives, int dimension, double temperature, double normalizer)
    {
        manual_seed(seed);
        using var scope = NewDisposeScope();
        var normalize = (Tensor t) => nn.functional.normalize(t, p: 2, dim: 1);
        var positive = normalize(randn(batch, dimension));
        var negative = normalize(randn(negatives, dimension));
        var embeddings = normalize(randn(batch, dimension));

        var shared = ContrastiveRepresentationLoss.SharedScores(positive, negative, embeddings, temperature, normalizer);
        // Per-sample rows [batch, K + 1, d]: the sample's own row, then the same K negatives for every sample.
        var rows = cat([positive.unsqueeze(1), negative.unsqueeze(0).expand(batch, negatives, dimension)], 1);
        var perSample = ContrastiveRepresentationLoss.Scores(rows, embeddings, temperature, normalizer);

        Assert.Equal(new long[] { batch, negatives + 1 }, shared.shape);
        Assert.True(shared.allclose(perSample, rtol: 1e-5, atol: 0), $"largest difference {(shared - perSample).abs().max().item<float>()}");
        Assert.Equal(ContrastiveRepresentationLoss.Nce(perSample, 1000).item<float>(), ContrastiveRepresentationLoss.Nce(shared, 1000).item<float>(), 1e-4);
    }

    [Fact]
    public void Shared_scores_send_no_gradient_into_the_memory_rows()
    {
        var positive = randn(3, 4).requires_grad_();
        var negative = randn(5, 4).requires_grad_();
        var embeddings = randn(3, 4).requires_grad_();

        ContrastiveRepresentationLoss.SharedScores(positive, negative, embeddings, 0.1, 1).sum().backward();

        Assert.Null(positive.grad);
        Assert.Null(negative.grad);
        Assert.NotNull(embeddings.grad);
    }

    [Theory]
    [InlineData(1, 0.25)]
    [InlineData(2, 0.5)]
    [InlineData(4, 1.0)]
    [InlineData(9, 1.0)]
    public void Dkd_scales_both_terms_by_the_warm_up_of_the_step_epoch(int epoch, double factor)
    {
        manual_seed(4);
        var student = randn(6, 10);
        var teacher = randn(6, 10);
        var labels = randint(0, 10, [6]);
        var options = new DecoupledOptions { WarmupEpochs = 4, TargetClassWeight = 2, NonTargetClassWeight = 3 };
        using var method = new Decoupled(options);
        var (target, nonTarget) = DecoupledKnowledgeLoss.Parts(student, teacher, labels, options.Temperature);

        using var terms = method.call(new DistillationStep(student, teacher, labels, new Dictionary<string, Tensor>(), new Dictionary<string, Tensor>(), arange(6), epoch));

        var values = terms.Terms.ToDictionary(t => t.Name, t => t.Value.item<float>());
        Assert.Equal(["tckd", "nckd"], terms.Terms.Select(t => t.Name));
        Assert.Equal(target.item<float>() * 2 * factor, values["tckd"], 1e-5);
        Assert.Equal(nonTarget.item<float>() * 3 * factor, values["nckd"], 1e-5);
        Assert.True(values["nckd"] > 0);
    }
}
