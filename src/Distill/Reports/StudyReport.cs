using System.Globalization;
using System.Text;
using Distill.Runs;
using Distill.Studies;

namespace Distill.Reports;

/// <summary>
/// Writes a finished run's results.json and its report into the run folder. A full study
/// (teacher, scratch, distilled) gets the same report as an experiment: summary.md and a
/// self-contained report.html; a single-model run gets its curves and a Markdown summary.
/// </summary>
public static class StudyReport
{
    public const string ResultsFile = "results.json";
    public const string SummaryFile = "summary.md";

    public static void Write(StudyResult result, RunFolder folder, int seed = 1)
    {
        AtomicFile.WriteAllText(folder.File(ResultsFile), Json.Serialize(RunPaths.Stored(result, folder.Path)));
        if (result.Find(ModelRole.Teacher) is not null && result.ErrorsSavedByDistillation is not null)
        {
            ExperimentReport.Write(Experiments.ExperimentResult.FromStudy(result, seed), folder.Path);
            return;
        }
        var trained = result.Models.Where(m => m.History.Count > 0).Select(m => (m.Label, m.History)).ToList();
        CurvePlotter.Accuracy(trained, folder.File("accuracy.png"));
        var labelTrained = result.Models.Where(m => m.Role != ModelRole.Distilled).Select(m => m.Label).ToHashSet();
        CurvePlotter.CrossEntropy(trained, labelTrained, folder.File("loss.png"));
        CurvePlotter.LearningRate(trained, folder.File("learning-rate.png"));
        if (result.Find(ModelRole.Distilled) is { History.Count: > 0 } distilled)
        {
            CurvePlotter.Objective(distilled.Label, distilled.History, folder.File("kd-objective.png"));
            CurvePlotter.LossTerms(distilled.Label, distilled.History, folder.File("kd-loss-terms.png"));
            if (CurvePlotter.HasUnweightedTerms(distilled.History))
                CurvePlotter.LossTerms(distilled.Label, distilled.History, folder.File("kd-loss-terms-unweighted.png"), unweighted: true);
        }
        AtomicFile.WriteAllText(folder.File(SummaryFile), Markdown(result));
    }

    /// <summary>Summary of a run without the full teacher / scratch / distilled comparison (train, distill).</summary>
    public static string Markdown(StudyResult result)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"# Distill run on {result.Dataset}");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"Finished {result.Finished:yyyy-MM-dd HH:mm}. Test set: {result.TestCount:N0} examples. Validation split: {result.ValidationCount ?? 0:N0} training rows (model selection only).");
        text.AppendLine();
        text.AppendLine(MarkdownTable(result));
        text.AppendLine("Test numbers are for the epoch with the best validation accuracy; \"Last-epoch errors\" are the final epoch's.");
        text.AppendLine();
        text.AppendLine("![accuracy](accuracy.png)");
        text.AppendLine();
        text.AppendLine("![cross-entropy](loss.png)");
        text.AppendLine();
        text.AppendLine("![learning rate](learning-rate.png)");
        text.AppendLine();
        if (result.Find(ModelRole.Distilled) is { History.Count: > 0 } distilled)
        {
            text.AppendLine("![distilled objective](kd-objective.png)");
            text.AppendLine();
            text.AppendLine("![KD loss terms](kd-loss-terms.png)");
            if (CurvePlotter.HasUnweightedTerms(distilled.History)) text.AppendLine().AppendLine("![KD loss terms before their weights](kd-loss-terms-unweighted.png)");
        }
        return text.ToString();
    }

    public static string MarkdownTable(StudyResult result)
    {
        var text = new StringBuilder();
        text.AppendLine("| " + string.Join(" | ", ComparisonTable.Headers) + " |");
        text.AppendLine("|" + string.Join("|", ComparisonTable.Headers.Select(_ => "---")) + "|");
        foreach (var row in ComparisonTable.Rows(result))
            text.AppendLine("| " + string.Join(" | ", row.Select(c => c.Replace("|", "\\|"))) + " |");
        return text.ToString();
    }
}
