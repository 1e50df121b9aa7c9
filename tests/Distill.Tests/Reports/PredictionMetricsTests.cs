using System.Text.Json;
using Distill.Evaluation;
using Distill.Tests.Support;

namespace Distill.Tests.Reports;

public sealed class PredictionMetricsTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    // Logits chosen so the probabilities are round: [ln 3, 0] -> (0.75, 0.25), [0, ln 9] -> (0.1, 0.9).
    private static readonly float Ln3 = MathF.Log(3);
    private static readonly float Ln9 = MathF.Log(9);

    private static TestPredictions Predictions(int[] labels, params float[][] rows) =>
        new(rows[0].Length, labels, [.. rows.Select(r => Array.IndexOf(r, r.Max()))], [.. rows.SelectMany(r => r)]);

    private static TestPredictions HandTeacher() => Predictions([0, 1, 1, 0], [Ln3, 0], [Ln3, 0], [0, Ln9], [0, 0]);

    [Fact]
    public void Expected_calibration_error_matches_a_hand_computed_case()
    {
        // Confidences 0.75 (right), 0.75 (wrong), 0.9 (right), 0.5 (right) fall in bins 11, 11, 13 and 7 of 15:
        // ECE = 2/4 * |0.5 - 0.75| + 1/4 * |1 - 0.9| + 1/4 * |1 - 0.5| = 0.275.
        var calibration = Calibration.Of(HandTeacher());

        Assert.Equal(0.275, calibration.ExpectedError, 6);
        Assert.Equal(15, calibration.Bins.Count);
        Assert.Equal(2, calibration.Bins[11].Count);
        Assert.Equal(0.5, calibration.Bins[11].Accuracy, 6);
        Assert.Equal(0.75, calibration.Bins[11].MeanConfidence, 6);
        Assert.Equal(4, calibration.Bins.Sum(b => b.Count));
    }

    [Fact]
    public void Agreement_matches_a_hand_computed_case()
    {
        // The student disagrees on row 1 only; KL(p || q) is 0.5 ln 3 on row 1 and 0.5 ln(4/3) on row 4.
        var student = Predictions([0, 1, 1, 0], [0, Ln3], [Ln3, 0], [0, Ln9], [Ln3, 0]);

        var agreement = Agreement.Between(HandTeacher(), student);

        Assert.Equal(0.75, agreement.TopOne, 6);
        Assert.Equal((0.5 * Math.Log(3) + 0.5 * Math.Log(4.0 / 3)) / 4, agreement.MeanKl, 6);
    }

    [Fact]
    public void Agreement_and_calibration_match_pytorch()
    {
        using var stream = File.OpenRead(Path.Combine(AppContext.BaseDirectory, "Golden", "report_metrics.json"));
        var file = JsonSerializer.Deserialize<GoldenFile>(stream, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
        Assert.Equal(Calibration.DefaultBins, file.Bins);
        foreach (var golden in file.Cases)
        {
            var teacher = golden.Predictions(golden.Teacher);
            var student = golden.Predictions(golden.Student);

            var agreement = Agreement.Between(teacher, student);

            Assert.Equal(golden.TopOneAgreement, agreement.TopOne, 9);
            Assert.Equal(golden.MeanKl, agreement.MeanKl, 5);
            Assert.Equal(golden.TeacherEce, Calibration.Of(teacher).ExpectedError, 5);
            Assert.Equal(golden.StudentEce, Calibration.Of(student).ExpectedError, 5);
        }
    }

    [Fact]
    public void Per_class_accuracy_counts_each_true_class_apart_and_marks_absent_ones()
    {
        var predictions = new TestPredictions(3, [0, 0, 1, 1], [0, 1, 1, 1], new float[12]);

        var accuracy = predictions.PerClassAccuracy();

        Assert.Equal(0.5, accuracy[0]);
        Assert.Equal(1.0, accuracy[1]);
        Assert.True(double.IsNaN(accuracy[2]));
    }

    [Fact]
    public void Predictions_survive_the_file_with_exact_classes_and_float16_logits()
    {
        var path = _folder.File("p.bin");
        var predictions = new TestPredictions(3, [2, 0], [1, 0], [0.1f, 7.25f, -3f, 1000f, 2.5f, 0f]);

        predictions.Save(path);
        var read = TestPredictions.Read(path);

        Assert.Equal(predictions.Labels, read.Labels);
        Assert.Equal(predictions.Predicted, read.Predicted);
        Assert.Equal(2 * 3 * 2 + 2 * 2 * 2 + 16, new FileInfo(path).Length);
        for (var i = 0; i < 6; i++) Assert.Equal(predictions.Logits[i], read.Logits[i], Math.Abs(predictions.Logits[i]) * 1e-3f + 1e-3f);
    }

    [Fact]
    public void A_truncated_predictions_file_is_one_sentence_naming_it()
    {
        var path = _folder.File("p.bin");
        new TestPredictions(2, [1, 0], [1, 0], [0f, 1f, 1f, 0f]).Save(path);
        File.WriteAllBytes(path, File.ReadAllBytes(path)[..^3]);

        var error = Assert.Throws<DistillException>(() => TestPredictions.Read(path));

        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void Teacher_and_student_of_different_test_rows_are_refused()
    {
        var other = Predictions([1, 1, 1, 0], [Ln3, 0], [Ln3, 0], [0, Ln9], [0, 0]);

        Assert.Throws<DistillException>(() => Agreement.Between(HandTeacher(), other));
    }

    private sealed record GoldenFile(int Bins, IReadOnlyList<GoldenCase> Cases);

    private sealed record GoldenCase(
        int Rows, int Classes, double[] Teacher, double[] Student, int[] Labels,
        double TopOneAgreement, double MeanKl, double TeacherEce, double StudentEce)
    {
        public TestPredictions Predictions(double[] logits)
        {
            var predicted = Enumerable.Range(0, Rows).Select(r =>
            {
                var row = logits.AsSpan(r * Classes, Classes);
                var best = 0;
                for (var c = 1; c < Classes; c++)
                    if (row[c] > row[best]) best = c;
                return best;
            }).ToArray();
            return new TestPredictions(Classes, Labels, predicted, [.. logits.Select(v => (float)v)]);
        }
    }
}
