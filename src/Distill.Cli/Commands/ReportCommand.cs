using System.CommandLine;
using System.Text.Json.Nodes;
using Distill.Cli.Rendering;
using Distill.Experiments;
using Distill.Reports;
using Distill.Runs;
using Distill.Studies;

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
            ExperimentView.Show(context, result, json: false);
            return 0;
        });
        return command;
    }

    /// <summary>Rewrites the report of the finished run in <paramref name="given"/> and returns its results.</summary>
    internal static ExperimentResult Rebuild(string given)
    {
        // The report names the folder and its files as the user gave them, so a report rebuilt
        // inside a repository names them relative to the repository.
        var result = Read(Path.GetFullPath(given)) with { RunDirectory = given };
        ExperimentReport.Write(result, given);
        return result;
    }

    /// <summary>experiment.json from `distill run`, else results.json from compare/quickstart.</summary>
    private static ExperimentResult Read(string folder)
    {
        var experiment = Path.Combine(folder, ExperimentResult.FileName);
        if (File.Exists(experiment))
        {
            var read = Json.Read<ExperimentResult>(experiment, "experiment results");
            ResultsCheck.Check(read, experiment);
            return RunPaths.Resolved(read, folder);
        }
        var results = Path.Combine(folder, StudyReport.ResultsFile);
        if (!File.Exists(results))
            throw new DistillException($"The folder '{folder}' has neither {ExperimentResult.FileName} nor {StudyReport.ResultsFile}; is it a finished run?");
        var study = Json.Read<StudyResult>(results, "results");
        ResultsCheck.Check(study, results);
        study = RunPaths.Resolved(study, folder);
        // Seed and validation split come from the run's config.json, when it has one.
        var config = Path.Combine(folder, "config.json");
        var node = File.Exists(config) ? JsonNode.Parse(File.ReadAllText(config)) : null;
        var seed = (int?)node?["studentTraining"]?["seed"] ?? 1;
        var validation = (int?)node?["validationCount"];
        return ExperimentResult.FromStudy(study, seed, validation);
    }
}
