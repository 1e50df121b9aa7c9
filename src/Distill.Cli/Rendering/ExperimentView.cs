using Distill.Experiments;
using Distill.Reports;
using Distill.Runs;
using Spectre.Console;

namespace Distill.Cli.Rendering;

/// <summary>Prints an experiment's results: the comparison (and sweep) tables with mean ± std, or JSON with --json.</summary>
internal static class ExperimentView
{
    public static void Show(CliContext context, ExperimentResult result, bool json)
    {
        if (json)
        {
            context.RawOutput.WriteLine(Json.Serialize(result));
            context.RawOutput.Flush();
            return;
        }
        var best = PointSummary.Best(result);
        var title = $"{result.Name} on {result.Dataset} ({result.TestCount:N0} test examples, {result.Seeds.Count} seed(s))";
        context.Output.Write(FittedTable.Build(title, ExperimentTables.ComparisonHeaders, ExperimentTables.Comparison(result, best.Point), context.TableWidth));
        if (PairedComparisons.Rows(result) is { Count: > 0 } paired)
            context.Output.Write(Table("Paired differences over seeds (95% interval, Student's t)", PairedComparisons.Headers, paired));
        if (DistillationAdvice.For(result, result.RunDirectory) is { } advice) context.Output.WriteLine("Suggestion: " + advice);
        if (result.IsSweep)
        {
            context.Output.Write(Table("Sweep", ExperimentTables.SweepHeaders(result), ExperimentTables.Sweep(result)));
            context.Output.WriteLine($"Best point (by validation accuracy): {best.Point.Id}, {best.Point.Label}");
            context.Output.WriteLine($"Re-run it: {result.Command} --set sweep=null {best.Point.SetFlags}");
        }
        context.Output.WriteLine($"Report: {Path.Combine(result.RunDirectory, ExperimentReport.HtmlFile)} (and {ExperimentReport.MarkdownFile})");
    }

    private static Table Table(string title, IReadOnlyList<string> headers, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(title));
        foreach (var header in headers) table.AddColumn(new TableColumn(Markup.Escape(header)));
        foreach (var row in rows) table.AddRow(row.Select(c => new Text(c)).ToArray());
        return table;
    }
}
