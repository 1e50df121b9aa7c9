using System.Text.Json;
using Distill.Evaluation;
using Distill.Reports;

namespace Distill.Tests.Reports;

/// <summary>Precision, recall, F1, ROC AUC and average precision against scikit-learn (Golden/classification_metrics.py) and by hand.</summary>
public sealed class ClassificationMetricsTests
{
    private static JsonElement Golden()
    {
        using var stream = File.OpenRead(Path.Combine(AppContext.BaseDirectory, "Golden", "classification_metrics.json"));
        return JsonDocument.Parse(stream).RootElement.Clone();
    }

    private static T[] Array<T>(JsonElement golden, string name) => golden.GetProperty(name).Deserialize<T[]>()!;

    [Fact]
    public void Precision_recall_and_f1_per_class_and_their_macro_means_match_scikit_learn()
    {
        var golden = Golden();

        var metrics = ClassificationMetrics.Of(Array<int>(golden, "labels"), Array<int>(golden, "predicted"), golden.GetProperty("classes").GetInt32());

        Assert.Equal(Array<double>(golden, "precision"), metrics.PerClass.Select(c => c.Precision), new Tolerance(1e-12));
        Assert.Equal(Array<double>(golden, "recall"), metrics.PerClass.Select(c => c.Recall), new Tolerance(1e-12));
        Assert.Equal(Array<double>(golden, "f1"), metrics.PerClass.Select(c => c.F1), new Tolerance(1e-12));
        Assert.Equal(Array<long>(golden, "support"), metrics.PerClass.Select(c => c.Support));
        Assert.Equal(golden.GetProperty("macroPrecision").GetDouble(), metrics.Macro.Precision, 12);
        Assert.Equal(golden.GetProperty("macroRecall").GetDouble(), metrics.Macro.Recall, 12);
        Assert.Equal(golden.GetProperty("macroF1").GetDouble(), metrics.Macro.F1, 12);
    }

    [Fact]
    public void Class_one_of_the_small_confusion_matrix_matches_the_hand_count()
    {
        // Class 1: predicted 4 times (rows 2, 4, 5, 9), right twice (4, 5); 3 true rows, 2 found.
        var metrics = ClassificationMetrics.Of([0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 2, 2, 3], [0, 0, 1, 2, 1, 1, 0, 2, 2, 1, 2, 0, 2], 4);

        Assert.Equal(0.5, metrics.PerClass[1].Precision, 12);
        Assert.Equal(2.0 / 3, metrics.PerClass[1].Recall, 12);
        Assert.Equal(4.0 / 7, metrics.PerClass[1].F1, 12);
        Assert.Equal(0, metrics.PerClass[3].Precision);
    }

    [Fact]
    public void Roc_auc_and_average_precision_with_tied_scores_match_scikit_learn()
    {
        var golden = Golden();
        var positive = Array<int>(golden, "positive").Select(p => p == 1).ToArray();
        var scores = Array<double>(golden, "scores");

        var roc = RocCurve.Of(positive, scores);
        var precisionRecall = PrecisionRecallCurve.Of(positive, scores);

        Assert.Equal(golden.GetProperty("rocAuc").GetDouble(), roc.Area, 12);
        Assert.Equal(golden.GetProperty("averagePrecision").GetDouble(), precisionRecall.AveragePrecision, 12);
        Assert.Equal(Array<double>(golden, "falsePositiveRate"), roc.FalsePositiveRate, new Tolerance(1e-12));
        Assert.Equal(Array<double>(golden, "truePositiveRate"), roc.TruePositiveRate, new Tolerance(1e-12));
    }

    [Fact]
    public void A_tie_between_a_positive_and_a_negative_counts_one_half()
    {
        Assert.Equal(0.5, RocCurve.Of([true, false], [0.4, 0.4]).Area, 12);
        Assert.Equal(1.0, RocCurve.Of([true, false], [0.6, 0.4]).Area, 12);
        Assert.True(double.IsNaN(RocCurve.Of([true, true], [0.6, 0.4]).Area));
        // Both rows at one cut: precision 1/2 reached at recall 1.
        Assert.Equal(0.5, PrecisionRecallCurve.Of([true, false], [0.4, 0.4]).AveragePrecision, 12);
    }

    [Fact]
    public void Sensitivity_and_specificity_are_the_recalls_of_the_second_and_the_first_class_at_the_argmax()
    {
        // Logits [0, z]: P(class 1) = sigmoid(z). Two positives (one found), three negatives (two kept).
        float[][] rows = [[0, 2], [0, -1], [0, -2], [0, 1], [0, -3]];
        var predictions = new TestPredictions(2, [1, 1, 0, 0, 0], [.. rows.Select(r => r[1] > 0 ? 1 : 0)], [.. rows.SelectMany(r => r)]);

        var metrics = TwoClassMetrics.Of(predictions);

        Assert.Equal(0.5, metrics.Sensitivity, 12);
        Assert.Equal(2.0 / 3, metrics.Specificity, 12);
        // Scores 2 > 1 > -1 > -2 > -3 with positives at ranks 1 and 3: 5 of the 6 positive-negative pairs are in order.
        Assert.Equal(5.0 / 6, metrics.Roc.Area, 6);
    }

    [Fact]
    public void The_comparison_gallery_shows_the_images_the_models_disagree_on_first()
    {
        var labels = new int[10];
        TestPredictions Model(params int[] predicted) => new(2, labels, predicted, new float[20]);
        var teacher = Model(0, 0, 0, 1, 0, 0, 0, 0, 1, 0);
        var student = Model(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

        var rows = ComparisonGallery.Pick([teacher, student], limit: 5);

        Assert.Equal([3L, 8L, 0L, 2L, 6L], rows);
    }

    private sealed class Tolerance(double epsilon) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= epsilon;

        public int GetHashCode(double value) => 0;
    }
}
