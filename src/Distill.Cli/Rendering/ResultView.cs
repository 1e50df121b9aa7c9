using Distill.Reports;
using Distill.Runs;
using Distill.Studies;
using Spectre.Console;

namespace Distill.Cli.Rendering;

/// <summary>Prints a run's results: the comparison table (with a suggestion when distillation lost), or JSON with --json.</summary>
internal static class ResultView
{
    public static void Show(CliContext context, StudyResult result, bool json)
    {
        if (json)
        {
            context.RawOutput.WriteLine(Json.Serialize(result));
            context.RawOutput.Flush();
            return;
        }
        var title = $"Distill results on {result.Dataset} ({result.TestCount:N0} test examples)";
        context.Output.Write(FittedTable.Build(title, ComparisonTable.Headers, ComparisonTable.Rows(result), context.TableWidth));
        if (result.ErrorsSavedByDistillation is { } saved)
            context.Output.WriteLine(saved > 0
                ? $"Distillation saved {saved} test errors over the same student trained from scratch."
                : $"Distillation did not beat the scratch student ({-saved} more test errors).");
        if (DistillationAdvice.For(result) is { } advice) context.Output.WriteLine("Suggestion: " + advice);
        context.Output.WriteLine($"Run folder: {result.RunDirectory} (summary.md, results.json, metrics.jsonl, curves, weights)");
    }
}
