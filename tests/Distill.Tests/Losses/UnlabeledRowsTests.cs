using Distill.Losses;
using Distill.Methods;
using Distill.Training;
using static TorchSharp.torch;

namespace Distill.Tests.Losses;

/// <summary>Rows without a label (-1) in a batch: they add no hard term, and every soft term still covers them.</summary>
public sealed class UnlabeledRowsTests
{
    private static readonly IReadOnlyDictionary<string, Tensor> NoFeatures = new Dictionary<string, Tensor>();

    private static Tensor Term(LossTerms terms, string name) => terms.Terms.Single(t => t.Name == name).Value;

    [Fact]
    public void The_hard_term_averages_over_the_labeled_rows_alone()
    {
        manual_seed(5);
        using var logits = randn(6, 4);
        using var labels = tensor(new long[] { 2, -1, 0, -1, 3, 1 });
        using var labeledRows = tensor(new long[] { 0, 2, 4, 5 });
        using var expected = nn.functional.cross_entropy(logits.index_select(0, labeledRows), labels.index_select(0, labeledRows));

        using var actual = DistillationLosses.HardLabelCrossEntropy(logits, labels);

        Assert.Equal(expected.item<float>(), actual.item<float>(), 5);
    }

    [Fact]
    public void A_batch_without_labels_has_a_zero_hard_term_and_still_learns_from_the_teacher()
    {
        manual_seed(6);
        var student = randn(5, 3).requires_grad_(true);
        using var teacher = randn(5, 3);
        using var labels = full(5, -1L, ScalarType.Int64);
        using var rows = arange(5, dtype: ScalarType.Int64);
        using var methods = new MethodSet([("kd", new HintonKd(4, 0.9))]);
        var step = new DistillationStep(student, teacher, labels, NoFeatures, NoFeatures, rows, 1);

        using var terms = DistillationObjective.Terms(methods, 0.1, step);
        var total = terms.Total();
        total.backward();

        Assert.Equal(0, Term(terms, "hard_ce").item<float>());
        Assert.Equal(DistillationLosses.SoftTargetKl(student, teacher, 4).item<float>() * 0.9f, total.item<float>(), 5);
        Assert.True(student.grad!.abs().sum().item<float>() > 0);
        Assert.True(float.IsFinite(total.item<float>()));
    }

    [Fact]
    public void Decoupled_kd_splits_an_unlabeled_row_on_the_teachers_top_class()
    {
        manual_seed(7);
        using var student = randn(4, 5);
        using var teacher = randn(4, 5);
        using var labels = tensor(new long[] { 1, -1, 3, -1 });
        using var filled = labels.where(labels.ge(0), teacher.argmax(1));
        using var rows = arange(4, dtype: ScalarType.Int64);
        using var method = new Decoupled(new DecoupledOptions { WarmupEpochs = 1 });

        using var withUnlabeled = method.call(new DistillationStep(student, teacher, labels, NoFeatures, NoFeatures, rows, 1));
        using var withTopClass = method.call(new DistillationStep(student, teacher, filled, NoFeatures, NoFeatures, rows, 1));

        Assert.Equal(Term(withTopClass, "tckd").item<float>(), Term(withUnlabeled, "tckd").item<float>(), 6);
        Assert.Equal(Term(withTopClass, "nckd").item<float>(), Term(withUnlabeled, "nckd").item<float>(), 6);
    }
}
