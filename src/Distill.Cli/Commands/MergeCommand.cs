using System.CommandLine;
using Distill.Cli.Rendering;
using Distill.Experiments.Shards;
using Distill.Runs;

namespace Distill.Cli.Commands;

/// <summary>merge: the results, tables and report of an experiment run in shards, once every point is finished.</summary>
internal static class MergeCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("merge", "Build experiment.json, the tables and the report of an experiment run in shards (run --shard); names the points still missing or failed. See docs/scale.md.");
        var folder = new Argument<string>("EXP_FOLDER") { Description = "The experiment's run folder, which the shards shared." };
        var json = new Option<bool>("--json") { Description = "Print the results as JSON on standard output (progress goes to standard error)." };
        command.Add(folder);
        command.Add(json);
        command.SetAction(parse => Merge(context, Path.TrimEndingDirectorySeparator(parse.GetValue(folder)!), parse.GetValue(json)));
        return command;
    }

    public static int Merge(CliContext context, string path, bool json)
    {
        var experiment = ExperimentMerge.Read(path);
        using var folder = RunFolder.Open(path);
        var result = ProgressView.Run(context.Diagnostics, observer => ExperimentMerge.Run(experiment, folder, observer));
        ResultView.Show(context, result, json);
        return 0;
    }
}
