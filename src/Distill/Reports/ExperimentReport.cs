using System.Globalization;
using System.Text.Json.Nodes;
using Distill.Experiments;
using Distill.Runs;

namespace Distill.Reports;

/// <summary>
/// The one report writer: writes a run's report into its run folder from its results alone (so
/// `distill report` can rebuild it): summary.md, report.html (self-contained), the curves, the KD
/// loss terms, the student's confusion matrix and, for a sweep, sweep.md, sweep.json, heatmap.png and
/// best.json. A run that compares nothing (train, distill) gets its table and curves.
/// </summary>
public static class ExperimentReport
{
    public const string HtmlFile = "report.html";
    public const string MarkdownFile = "summary.md";
    public const string BestFile = "best.json";

    public static void Write(ExperimentResult result, string folder)
    {
        if (!result.IsComparison)
        {
            WriteModels(result, folder);
            return;
        }
        var best = PointSummary.Best(result);
        var shown = result.Runs.First(r => r.Point.Id == best.Point.Id);
        var document = Opening(result);

        document.Heading(result.IsSweep ? $"Comparison at the best sweep point ({best.Point.Label})" : "Comparison")
            .Table(ExperimentTables.ComparisonHeaders, ExperimentTables.Comparison(result, best.Point))
            .Paragraph(Verdict(ExperimentTables.ErrorsSaved(result, best.Point), PairedComparisons.DistilledOverScratch(result, best.Point)) +
                       " Test numbers are for the epoch with the best validation accuracy; sizes are the saved weights, latency is one sample on this machine's CPU.");
        if (PairedComparisons.Rows(result) is { Count: > 0 } paired)
            document.Heading("Paired differences over seeds")
                .Paragraph("Each model against its comparison trained on the same seed: mean of the per-seed differences and its 95 % interval " +
                           "(Student's t, n − 1 degrees of freedom), and the seeds on which the first was better. An interval that excludes zero is a gain (or a loss) beyond the seed spread.")
                .Table(PairedComparisons.Headers, paired);
        if (DistillationAdvice.For(result, folder) is { } advice) document.Paragraph("Suggestion: " + advice);

        if (result.IsSweep) WriteSweep(result, best, folder, document);
        if (AssistantChoice.Describe(result) is { } choice) document.Heading("Assistant choice").Paragraph(choice);
        if (CapacityReport.Applies(result))
        {
            CapacityReport.Write(result, folder);
            document.Heading("Capacity gap")
                .Paragraph("The same student distilled from each teacher of the run (capacity.md has this table).")
                .Table(CapacityReport.Headers, CapacityReport.Rows(result))
                .Image(CapacityReport.PlotFile, "Distilled student accuracy against teacher accuracy");
        }

        var trained = result.Members.Append(result.ComparedTeacher).Append(shown.Scratch).Append(shown.Distilled).Concat(shown.Others)
            .Select(m => (m.Label, m.History)).Where(m => m.History.Count > 0).ToList();
        CurvePlotter.Accuracy(trained, Path.Combine(folder, "accuracy.png"));
        CurvePlotter.CrossEntropy(trained, new HashSet<string> { result.ComparedTeacher.Label, shown.Scratch.Label }, Path.Combine(folder, "loss.png"));
        CurvePlotter.Objective(shown.Distilled.Label, shown.Distilled.History, Path.Combine(folder, "kd-objective.png"));
        CurvePlotter.LossTerms(shown.Distilled.Label, shown.Distilled.History, Path.Combine(folder, "kd-loss-terms.png"));
        var unweighted = CurvePlotter.HasUnweightedTerms(shown.Distilled.History);
        if (unweighted) CurvePlotter.LossTerms(shown.Distilled.Label, shown.Distilled.History, Path.Combine(folder, "kd-loss-terms-unweighted.png"), unweighted: true);
        CurvePlotter.LearningRate(trained, Path.Combine(folder, "learning-rate.png"));
        PredictionFigures.Confusion(shown.Distilled.ConfusionMatrix, result.ClassNames,
            "Distilled student: confusion matrix, % of each true class (test set)", Path.Combine(folder, "confusion.png"));
        document.Heading("Training curves")
            .Paragraph($"Seed {shown.Seed}{(result.IsSweep ? $", sweep point {best.Point.Id}" : "")}. Solid: validation; dashed: train.")
            .Image("accuracy.png", "Train and validation accuracy per epoch")
            .Heading("Losses")
            .Paragraph("Cross-entropies and the distilled student's own objective have different scales, so each has its own panel. " +
                       "Thin lines follow the train loss within epochs (means over runs of consecutive steps).")
            .Images(("loss.png", "Cross-entropy: validation of every model, train of the models trained on labels alone"),
                ("kd-objective.png", "The distilled student's training objective, per epoch and within epochs"))
            .Heading("Distillation loss terms")
            .Images(("kd-loss-terms.png", "Weighted terms of the distilled student per epoch: what the objective sums"),
                ("kd-loss-terms-unweighted.png", "The same terms before their weights (hard_ce: the cross-entropy with the labels; soft_kl: T² × KL)"))
            .Heading("Learning rate")
            .Image("learning-rate.png", "Learning rate per epoch (the schedule each model trained with)")
            .Heading("Confusion matrix of the distilled student")
            .Image("confusion.png", "Test set, each row normalised by its true class: the diagonal is the per-class accuracy");
        ClassBiasReport.AddSection(document, shown.Distilled.WeightsPath, result.ClassNames);
        PredictionSections.Add(document, result, best.Point, shown, folder);
        DeploySection.Add(document, folder);
        GallerySection.Add(document, folder, shown.RunDirectory);
        SyntheticGallery.AddSection(document, folder);
        document.Heading("Repeat this run")
            .Paragraph("The resolved configuration is config.json in the run folder; this command, or `distill run config.json`, repeats the run:")
            .Code(RepeatCommand.Read(folder) ?? result.Command);

        Save(document, folder);
    }

    /// <summary>The report of a run without a scratch and distilled pair: its table, the curves of its trained models and a distilled student's loss terms.</summary>
    private static void WriteModels(ExperimentResult result, string folder)
    {
        var document = Opening(result)
            .Heading("Models")
            .Table(ExperimentTables.ComparisonHeaders, ExperimentTables.Comparison(result, null))
            .Paragraph("Test numbers are for the epoch with the best validation accuracy; \"Last-epoch errors\" are the final epoch's.");
        var models = result.Models;
        var trained = models.Where(m => m.History.Count > 0).Select(m => (m.Label, m.History)).ToList();
        if (trained.Count > 0)
        {
            CurvePlotter.Accuracy(trained, Path.Combine(folder, "accuracy.png"));
            CurvePlotter.CrossEntropy(trained, models.Where(m => m.Role != Studies.ModelRole.Distilled).Select(m => m.Label).ToHashSet(), Path.Combine(folder, "loss.png"));
            CurvePlotter.LearningRate(trained, Path.Combine(folder, "learning-rate.png"));
            document.Heading("Training curves")
                .Image("accuracy.png", "Train and validation accuracy per epoch")
                .Image("loss.png", "Cross-entropy: validation of every model, train of the models trained on labels alone")
                .Image("learning-rate.png", "Learning rate per epoch (the schedule each model trained with)");
        }
        if (models.FirstOrDefault(m => m.Role == Studies.ModelRole.Distilled) is { History.Count: > 0 } distilled)
        {
            CurvePlotter.Objective(distilled.Label, distilled.History, Path.Combine(folder, "kd-objective.png"));
            CurvePlotter.LossTerms(distilled.Label, distilled.History, Path.Combine(folder, "kd-loss-terms.png"));
            document.Heading("Distillation loss terms")
                .Images(("kd-objective.png", "The distilled student's training objective, per epoch and within epochs"),
                    ("kd-loss-terms.png", "Weighted terms of the distilled student per epoch: what the objective sums"));
            if (CurvePlotter.HasUnweightedTerms(distilled.History))
            {
                CurvePlotter.LossTerms(distilled.Label, distilled.History, Path.Combine(folder, "kd-loss-terms-unweighted.png"), unweighted: true);
                document.Image("kd-loss-terms-unweighted.png", "The same terms before their weights");
            }
        }
        DeploySection.Add(document, folder);
        SyntheticGallery.AddSection(document, folder);
        document.Heading("Repeat this run").Code(RepeatCommand.Read(folder) ?? result.Command);
        Save(document, folder);
    }

    private static ReportDocument Opening(ExperimentResult result)
    {
        var document = new ReportDocument($"{result.Name} on {result.Dataset}");
        if (result.Description is { Length: > 0 } description) document.Paragraph(description);
        // A data-free run reads the test rows alone: it has no validation split to describe.
        var validation = result.ValidationCount == 0
            ? "no training or validation rows read"
            : string.Create(CultureInfo.InvariantCulture, $"validation split: {result.ValidationCount:N0} training rows (model selection only)");
        return document.Paragraph(string.Create(CultureInfo.InvariantCulture,
            $"Finished {result.Finished:yyyy-MM-dd HH:mm}. Test set: {result.TestCount:N0} examples; {validation}. " +
            $"Seeds: {string.Join(", ", result.Seeds)}; tables show mean ± standard deviation over seeds. Run folder: {result.RunDirectory}."));
    }

    private static void Save(ReportDocument document, string folder)
    {
        AtomicFile.WriteAllText(Path.Combine(folder, MarkdownFile), document.ToMarkdown());
        AtomicFile.WriteAllText(Path.Combine(folder, HtmlFile), document.ToHtml(folder));
    }

    private static void WriteSweep(ExperimentResult result, PointSummary best, string folder, ReportDocument document)
    {
        SweepHeatmap.Draw(result, Path.Combine(folder, SweepHeatmap.FileName));
        var rerun = $"{result.Command} --set sweep=null {best.Point.SetFlags}";
        var bestFile = WriteBestConfig(folder, best.Point);
        var sweep = new ReportDocument($"Sweep {result.Name} on {result.Dataset}")
            .Table(ExperimentTables.SweepHeaders(result), ExperimentTables.Sweep(result))
            .Paragraph($"Best point (highest mean validation accuracy of the distilled student): {best.Point.Id}, {best.Point.Label}: " +
                       $"test accuracy {best.DistilledAccuracy.Format("F2", 100, "%")} against {best.ScratchAccuracy.Format("F2", 100, "%")} from scratch. Re-run it with:")
            .Code(bestFile is null ? rerun : $"{rerun}\n# or\ndistill run {bestFile}")
            .Image(SweepHeatmap.FileName, "Mean test accuracy of the distilled student per sweep point");
        AtomicFile.WriteAllText(Path.Combine(folder, "sweep.md"), sweep.ToMarkdown());
        AtomicFile.WriteAllText(Path.Combine(folder, "sweep.json"), Json.Serialize(new
        {
            best = new { best.Point.Id, best.Point.Label, Settings = best.Point.Settings.ToDictionary(), Command = rerun, File = bestFile },
            points = PointSummary.All(result).Select(p => new
            {
                p.Point.Id,
                Settings = p.Point.Settings.ToDictionary(),
                ValidationAccuracy = p.DistilledValidationAccuracy,
                TestAccuracy = p.DistilledAccuracy,
                TestErrors = p.DistilledErrors,
                ScratchTestAccuracy = p.ScratchAccuracy,
                ErrorsSaved = ExperimentTables.ErrorsSaved(result, p.Point),
                AccuracyDifference = PairedComparisons.DistilledOverScratch(result, p.Point),
            }),
        }));

        document.Heading("Sweep")
            .Paragraph($"{PointSummary.All(result).Count} points x {result.Seeds.Count} seed(s), one teacher and one cache of its logits for all. " +
                       $"Best point, chosen on validation accuracy: {best.Point.Id} ({best.Point.Label}).")
            .Table(ExperimentTables.SweepHeaders(result), ExperimentTables.Sweep(result))
            .Image(SweepHeatmap.FileName, "Mean test accuracy of the distilled student per sweep point; the colour bar marks the scratch student, the red outline the point chosen on validation")
            .Paragraph("Re-run the best point:")
            .Code(bestFile is null ? rerun : $"{rerun}\n# or\ndistill run {bestFile}")
            .Heading("Curves of every sweep point")
            .Paragraph("Accuracy curves (scratch and distilled) and the distilled student's weighted loss terms of each point and seed, in its folder:")
            .Links(PointCurves(result, folder));
    }

    /// <summary>Draws each sweep point's curves into its own folder; returns links to them, relative to the report.</summary>
    private static IEnumerable<(string Text, string Target)> PointCurves(ExperimentResult result, string folder)
    {
        var links = new List<(string Text, string Target)>();
        foreach (var run in result.Runs)
        {
            Directory.CreateDirectory(run.RunDirectory);
            var name = $"{run.Point.Id} ({run.Point.Label}), seed {run.Seed}";
            var accuracy = Path.Combine(run.RunDirectory, "accuracy.png");
            CurvePlotter.Accuracy([(run.Scratch.Label, run.Scratch.History), (run.Distilled.Label, run.Distilled.History)], accuracy, $"{name}: accuracy per epoch");
            var terms = Path.Combine(run.RunDirectory, "kd-loss-terms.png");
            CurvePlotter.LossTerms($"{run.Point.Id}, seed {run.Seed}", run.Distilled.History, terms);
            links.Add(($"{name}: accuracy", RunPaths.Stored(accuracy, folder)));
            links.Add(($"{name}: loss terms", RunPaths.Stored(terms, folder)));
        }
        return links;
    }

    /// <summary>The run's config.json with the best point's settings applied and the sweep removed; null when the run has no config.json.</summary>
    private static string? WriteBestConfig(string folder, SweepPoint best)
    {
        var config = Path.Combine(folder, "config.json");
        if (!File.Exists(config) || JsonNode.Parse(File.ReadAllText(config)) is not JsonObject node) return null;
        RunConfig.Upgrade(node);
        node.Remove("sweep");
        node["output"] = null;
        foreach (var (key, value) in best.Settings) JsonOverrides.Apply(node, key, value);
        var path = Path.Combine(folder, BestFile);
        AtomicFile.WriteAllText(path, node.ToJsonString(Json.Options));
        return path;
    }

    /// <summary>
    /// What distillation gained over the scratch student, as the report and the terminal say it; with
    /// several seeds, the paired accuracy difference, its 95 % interval and the seeds won.
    /// </summary>
    public static string Verdict(MeanStd saved, Evaluation.PairedDifference? accuracy = null)
    {
        var verdict = saved.Mean > 0
            ? $"Distillation saved {saved.Format("0.#")} test errors over the same student trained from scratch."
            : $"Distillation did not beat the scratch student ({(saved with { Mean = Math.Abs(saved.Mean) }).Format("0.#")} more test errors).";
        if (accuracy is null) return verdict;
        var evidence = accuracy.ExcludesZero
            ? (accuracy.Mean > 0 ? "a gain beyond the seed spread" : "a loss beyond the seed spread")
            : "the interval includes zero, so no gain is shown";
        return $"{verdict} Paired accuracy difference {accuracy.FormatInterval("F2", 100, " pp")}, {accuracy.FormatWins()} seeds: {evidence}.";
    }
}
