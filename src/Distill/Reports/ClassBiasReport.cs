using System.Globalization;
using Distill.Evaluation;
using Distill.Runs;

namespace Distill.Reports;

/// <summary>
/// A model's test results before and after a <see cref="ClassBias"/>: accuracy, errors and the recall of
/// each class (the share of its test rows predicted as it), written beside the model as class-bias.json
/// and class-bias.md, which the run's report shows.
/// </summary>
public sealed record ClassBiasReport(
    ClassBias Bias,
    double AccuracyBefore,
    long ErrorsBefore,
    double AccuracyAfter,
    long ErrorsAfter,
    IReadOnlyList<ClassRecall> Before,
    IReadOnlyList<ClassRecall> After)
{
    public const string JsonFile = "class-bias.json";
    public const string MarkdownFile = "class-bias.md";

    /// <summary>The bias applied to <paramref name="predictions"/> (the model's test predictions).</summary>
    public static ClassBiasReport Of(ClassBias bias, TestPredictions predictions, IReadOnlyList<string> classNames)
    {
        var after = bias.Apply(predictions);
        return new ClassBiasReport(bias,
            Accuracy(predictions), Errors(predictions), Accuracy(after), Errors(after),
            ClassRecall.Of(predictions, classNames), ClassRecall.Of(after, classNames));
    }

    public static double Accuracy(TestPredictions p) => p.Count == 0 ? 0 : 1 - (double)Errors(p) / p.Count;

    public static long Errors(TestPredictions p) => p.Labels.Where((label, i) => p.Predicted[i] != label).LongCount();

    /// <summary>Per-class accuracy before and after, as table rows for the report.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Rows(IReadOnlyList<string> classNames) =>
    [
        .. Before.Select((b, c) => (IReadOnlyList<string>)
            [b.Class, Bias.Values[c].ToString("+0.00;-0.00;0", CultureInfo.InvariantCulture), Percent(b.Recall ?? double.NaN), Percent(After[c].Recall ?? double.NaN)]),
        ["All classes", "", Percent(AccuracyBefore) + $" ({ErrorsBefore:N0} errors)", Percent(AccuracyAfter) + $" ({ErrorsAfter:N0} errors)"],
    ];

    public static IReadOnlyList<string> Headers { get; } = ["Class", "Bias", "Test accuracy before", "Test accuracy after"];

    /// <summary>Writes class-bias.json and class-bias.md into <paramref name="folder"/> (the model's folder).</summary>
    public void Write(string folder, string model, IReadOnlyList<string> classNames)
    {
        AtomicFile.WriteAllText(Path.Combine(folder, JsonFile), Json.Serialize(this));
        var document = new ReportDocument($"Class bias of {model}")
            .Paragraph($"Bias added to each class's logit ({(Bias.Source == ClassBias.AutoText ? "auto: the mean predicted probability of each class on the validation split matches its share of the training labels" : Bias.Source)}): {Bias.Describe(classNames)}. " +
                       "Per-class test accuracy (recall) before and after; `distill export --class-bias` writes a model with the bias in its last layer.")
            .Table(Headers, Rows(classNames));
        AtomicFile.WriteAllText(Path.Combine(folder, MarkdownFile), document.ToMarkdown());
    }

    /// <summary>The class bias recorded beside <paramref name="weightsPath"/> by `distill eval --class-bias`, as a report section; nothing when none was.</summary>
    public static void AddSection(ReportDocument document, string weightsPath, IReadOnlyList<string>? classNames)
    {
        var path = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(weightsPath)) ?? ".", JsonFile);
        if (!File.Exists(path)) return;
        var report = Json.Read<ClassBiasReport>(path, "class bias results");
        var names = classNames ?? [.. report.Before.Select(b => b.Class)];
        if (report.Before is null || report.After is null || report.Bias?.Values is null || report.Before.Count != names.Count || report.After.Count != names.Count || report.Bias.Values.Count != names.Count)
            throw new DistillException($"The class bias results '{path}' do not hold one row per class.");
        document.Heading("Class bias of the distilled student")
            .Paragraph($"Chosen by `distill eval --class-bias {report.Bias.Source}`: {report.Bias.Describe(names)}. Per-class test accuracy before and after:")
            .Table(Headers, report.Rows(names));
    }

    private static string Percent(double value) => double.IsNaN(value) ? "-" : (value * 100).ToString("F2", CultureInfo.InvariantCulture) + "%";
}
