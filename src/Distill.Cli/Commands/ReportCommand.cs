using System.CommandLine;
using Distill.Cli.Rendering;
using Distill.Experiments;
using Distill.Reports;

namespace Distill.Cli.Commands;

/// <summary>report: rebuilds summary.md, report.html and the figures of a finished run from its results.</summary>
internal static class ReportCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("report", "Rebuild the report (summary.md, report.html, figures) of a finished run or sweep from its results.");
        var folder = new Argument<string>("RUN_DIR") { Description = "A run folder written by run, compare or quickstart." };
        command.Add(folder);
        command.SetAction(parse =>
        {
            var given = Path.TrimEndingDirectorySeparator(parse.GetValue(folder)!);
            var path = Path.GetFullPath(given);
            if (!Directory.Exists(path)) throw new DistillException($"Run folder '{given}' does not exist.");
            var result = Rebuild(given);
            ResultView.Show(context, result, json: false);
            return 0;
        });
        return command;
    }

    /// <summary>Rewrites the report of the finished run in <paramref name="given"/> and returns its results.</summary>
    internal static ExperimentResult Rebuild(string given)
    {
        // The report names the folder and its files as the user gave them, so a report rebuilt
        // inside a repository names them relative to the repository.
        var result = ResultsReader.Read(Path.GetFullPath(given)) with { RunDirectory = given };
        ExperimentReport.Write(result, given);
        return result;
    }
}
