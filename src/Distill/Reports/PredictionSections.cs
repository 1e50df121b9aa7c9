using System.Globalization;
using Distill.Evaluation;
using Distill.Experiments;
using Distill.Runs;
using Distill.Studies;

namespace Distill.Reports;

/// <summary>
/// The report's sections that compare the students with the teacher beyond accuracy: size and
/// speed, agreement with the teacher, calibration, per-class accuracy, precision, recall and F1,
/// ROC and precision-recall for two classes, and the distilled student's misclassified images. All
/// come from files in the run folder (outcomes and test-predictions.bin), so `distill report`
/// rebuilds them without the models or the data.
/// </summary>
public static class PredictionSections
{
    public const string ReliabilityFile = "reliability.png";
    public const string PerClassFile = "per-class.png";

    public static void Add(ReportDocument document, ExperimentResult result, SweepPoint point, PointRun shown, string folder)
    {
        var runs = result.Runs.Where(r => r.Point.Id == point.Id).ToList();
        var seeds = runs.Count > 1 ? $" Mean ± standard deviation over {runs.Count} seeds." : "";
        AddSizeAndSpeed(document, result.ComparedTeacher, shown.Distilled);

        var teacher = Load(result.ComparedTeacher);
        var scratch = runs.Select(r => Load(r.Scratch)).ToList();
        var distilled = runs.Select(r => Load(r.Distilled)).ToList();
        if (teacher is null || scratch.Any(p => p is null) || distilled.Any(p => p is null))
        {
            document.Heading("Agreement, calibration and per-class accuracy")
                .Paragraph($"These need each model's {TestPredictions.FileName}, which runs made before it was written lack; run the study again to see them.");
            return;
        }

        var scratchAgreement = scratch.Select(p => Agreement.Between(teacher, p!)).ToList();
        var distilledAgreement = distilled.Select(p => Agreement.Between(teacher, p!)).ToList();
        document.Heading("Agreement with the teacher")
            .Table(["Student", "Top-1 agreement with the teacher", "Mean KL(teacher ‖ student), nats"],
            [
                ["Scratch", Percent(scratchAgreement.Select(a => a.TopOne)), Number(scratchAgreement.Select(a => a.MeanKl))],
                ["Distilled", Percent(distilledAgreement.Select(a => a.TopOne)), Number(distilledAgreement.Select(a => a.MeanKl))],
            ])
            .Paragraph("Share of test images on which the student's top-1 class is the teacher's, and the mean KL divergence of their " +
                       "plain (T = 1) softmax outputs; distillation should raise the first and lower the second." + seeds);

        var teacherCalibration = Calibration.Of(teacher);
        var scratchCalibration = scratch.Select(p => Calibration.Of(p!)).ToList();
        var distilledCalibration = distilled.Select(p => Calibration.Of(p!)).ToList();
        PredictionFigures.Reliability(
        [
            (result.ComparedTeacher.Label, teacherCalibration),
            ("Student (scratch)", scratchCalibration[runs.IndexOf(shown)]),
            ("Student (distilled)", distilledCalibration[runs.IndexOf(shown)]),
        ], Path.Combine(folder, ReliabilityFile));
        document.Heading("Calibration")
            .Table(["Model", $"Expected calibration error ({Calibration.DefaultBins} bins)", "Mean top-1 confidence", "Test accuracy"],
            [
                [result.ComparedTeacher.Label, Percent([teacherCalibration.ExpectedError]), Percent([MeanConfidence(teacherCalibration)]), Percent([result.ComparedTeacher.TestAccuracy])],
                ["Student (scratch)", Percent(scratchCalibration.Select(c => c.ExpectedError)), Percent(scratchCalibration.Select(MeanConfidence)), Percent(runs.Select(r => r.Scratch.TestAccuracy))],
                ["Student (distilled)", Percent(distilledCalibration.Select(c => c.ExpectedError)), Percent(distilledCalibration.Select(MeanConfidence)), Percent(runs.Select(r => r.Distilled.TestAccuracy))],
            ])
            .Paragraph("ECE: test images binned by top-1 confidence; the size-weighted mean gap between each bin's accuracy and its mean confidence " +
                       "(0 is perfectly calibrated). Confidence above accuracy is overconfidence." + seeds)
            .Image(ReliabilityFile, $"Reliability diagram, seed {shown.Seed}: points below the diagonal are overconfident");

        var classes = teacher.ClassCount;
        var teacherPerClass = teacher.PerClassAccuracy();
        var scratchPerClass = MeanPerClass(scratch!, classes);
        var distilledPerClass = MeanPerClass(distilled!, classes);
        var names = result.ClassNames?.Count == classes ? result.ClassNames : null;
        PredictionFigures.PerClass([(result.ComparedTeacher.Label, teacherPerClass), ("Student (scratch)", scratchPerClass), ("Student (distilled)", distilledPerClass)],
            names, Path.Combine(folder, PerClassFile));
        document.Heading("Per-class accuracy")
            .Table(["Class", result.ComparedTeacher.Label, "Student (scratch)", "Student (distilled)", "Distilled − scratch"],
                Enumerable.Range(0, classes).Select(c => (IReadOnlyList<string>)
                [
                    names?[c] ?? c.ToString(CultureInfo.InvariantCulture),
                    Cell(teacherPerClass[c]), Cell(scratchPerClass[c]), Cell(distilledPerClass[c]),
                    double.IsFinite(distilledPerClass[c] - scratchPerClass[c])
                        ? ((distilledPerClass[c] - scratchPerClass[c]) * 100).ToString("+0.00;−0.00;0.00", CultureInfo.InvariantCulture) + " pt"
                        : "-",
                ]))
            .Paragraph("Accuracy on the test images of each true class" + (runs.Count > 1 ? $"; students averaged over {runs.Count} seeds." : "."))
            .Image(PerClassFile, "Test accuracy per true class");

        ClassMetricsSection.Add(document, teacher, scratch!, distilled!, names);
        TwoClassSection.Add(document, result.ComparedTeacher.Label, teacher, scratch!, distilled!, runs.IndexOf(shown), names, folder);
        AddGallery(document, shown.Distilled, folder);
    }

    private static void AddSizeAndSpeed(ReportDocument document, ModelOutcome teacher, ModelOutcome student)
    {
        string Ratio(double a, double b) => b > 0 && a > 0 ? (a / b).ToString("0.0#", CultureInfo.InvariantCulture) + "×" : "-";
        document.Heading("Student against teacher")
            .Table(["", "Teacher", "Student", "Teacher / student"],
            [
                ["Parameters", teacher.Parameters.ToString("N0", CultureInfo.InvariantCulture), student.Parameters.ToString("N0", CultureInfo.InvariantCulture),
                    Ratio(teacher.Parameters, student.Parameters)],
                ["Weights file", ExperimentTables.FormatBytes(teacher.SizeBytes), ExperimentTables.FormatBytes(student.SizeBytes), Ratio(teacher.SizeBytes, student.SizeBytes)],
                ["Latency / sample", teacher.LatencyMilliseconds.ToString("F3", CultureInfo.InvariantCulture) + " ms",
                    student.LatencyMilliseconds.ToString("F3", CultureInfo.InvariantCulture) + " ms", Ratio(teacher.LatencyMilliseconds, student.LatencyMilliseconds)],
            ])
            .Paragraph($"Compression ratio {Ratio(teacher.Parameters, student.Parameters)} in parameters; speed-up {Ratio(teacher.LatencyMilliseconds, student.LatencyMilliseconds)} " +
                       "for one sample (median of 200 single-sample forward passes on the CPU of the machine that ran the study).");
    }

    private static void AddGallery(ReportDocument document, ModelOutcome distilled, string folder)
    {
        if (distilled.PredictionsPath is null) return;
        var gallery = Path.Combine(Path.GetDirectoryName(distilled.PredictionsPath)!, MisclassifiedGallery.FileName);
        if (!File.Exists(gallery)) return;
        document.Heading("Misclassified test images")
            .Paragraph("The first test images (in test-set order) the distilled student gets wrong: true class above, its prediction in red below.")
            .Image(RunPaths.Stored(gallery, folder), "Test images the distilled student misclassifies");
    }

    private static TestPredictions? Load(ModelOutcome model) =>
        model.PredictionsPath is { } path && File.Exists(path) ? TestPredictions.Read(path) : null;

    private static double MeanConfidence(Calibration calibration)
    {
        var total = calibration.Bins.Sum(b => b.Count);
        return total == 0 ? double.NaN : calibration.Bins.Where(b => b.Count > 0).Sum(b => b.MeanConfidence * b.Count) / total;
    }

    private static double[] MeanPerClass(IReadOnlyList<TestPredictions?> predictions, int classes)
    {
        var perModel = predictions.Select(p => p!.PerClassAccuracy()).ToList();
        return [.. Enumerable.Range(0, classes).Select(c => perModel.Average(a => a[c]))];
    }

    private static string Percent(IEnumerable<double> values) => MeanStd.Of(values).Format("F2", 100, "%");

    private static string Number(IEnumerable<double> values) => MeanStd.Of(values).Format("F4");

    private static string Cell(double accuracy) => double.IsFinite(accuracy) ? (accuracy * 100).ToString("F2", CultureInfo.InvariantCulture) + "%" : "-";
}
