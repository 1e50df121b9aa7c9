using Distill.Experiments;
using Distill.Reports;
using Distill.Runs;
using Spectre.Console;

namespace Distill.Cli.Rendering;

/// <summary>
/// The one view of a run's results: the comparison table (mean ± std over seeds), what distillation
/// gained, a suggestion when it lost, the sweep table, and where the report is; or JSON with --json.
/// </summary>
internal static class ResultView
{
    public static void Show(CliContext context, ExperimentResult result, bool json)
    {
        if (json)
        {
            context.RawOutput.WriteLine(Json.Serialize(result));
            context.RawOutput.Flush();
            return;
        }
        var best = result.IsComparison ? PointSummary.Best(result) : null;
        var seeds = result.Seeds.Count > 1 ? $", {result.Seeds.Count} seeds" : "";
        var title = $"{result.Name} on {result.Dataset} ({result.TestCount:N0} test examples{seeds})";
        context.Output.Write(FittedTable.Build(title, ExperimentTables.ComparisonHeaders, ExperimentTables.Comparison(result, best?.Point), context.TableWidth));
        if (best is not null) context.Output.WriteLine(ExperimentReport.Verdict(ExperimentTables.ErrorsSaved(result, best.Point), PairedComparisons.DistilledOverScratch(result, best.Point)));
        if (PairedComparisons.Rows(result) is { Count: > 0 } paired)
            context.Output.Write(Table("Paired differences over seeds (95% interval, Student's t)", PairedComparisons.Headers, paired));
        if (DistillationAdvice.For(result, result.RunDirectory) is { } advice) context.Output.WriteLine("Suggestion: " + advice);
        if (result.IsSweep && best is not null)
        {
            context.Output.Write(Table("Sweep", ExperimentTables.SweepHeaders(result), ExperimentTables.Sweep(result)));
            context.Output.WriteLine($"Best point (by validation accuracy): {best.Point.Id}, {best.Point.Label}");
            context.Output.WriteLine($"Re-run it: {result.Command} --set sweep=null {best.Point.SetFlags}");
        }
        var results = File.Exists(Path.Combine(result.RunDirectory, ExperimentResult.FileName)) ? ExperimentResult.FileName : ExperimentResult.ResultsFileName;
        context.Output.WriteLine($"Run folder: {result.RunDirectory} ({ExperimentReport.HtmlFile}, {ExperimentReport.MarkdownFile}, {results}, metrics.jsonl, curves, weights)");
    }

    private static Table Table(string title, IReadOnlyList<string> headers, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(title));
        foreach (var header in headers) table.AddColumn(new TableColumn(Markup.Escape(header)));
        foreach (var row in rows) table.AddRow(row.Select(c => new Text(c)).ToArray());
        return table;
    }
}
