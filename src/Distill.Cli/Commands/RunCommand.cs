using System.CommandLine;
using Distill.Cli.Rendering;
using Distill.Experiments;
using Distill.Runs;
using Distill.Training;

namespace Distill.Cli.Commands;

/// <summary>run: an experiment file (a study, several seeds, or a sweep), with --set overrides.</summary>
internal static class RunCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("run", "Run an experiment file (JSON): a study, several seeds or a sweep. See docs/experiments.md.");
        var file = new Argument<string>("FILE") { Description = "The experiment file, e.g. examples/quickstart.json, or a run's config.json to repeat it." };
        var sets = new Option<string[]>("--set") { Description = "Override one key, e.g. --set distillation.temperature=8 (repeatable).", AllowMultipleArgumentsPerToken = false };
        var output = new Option<string?>("--out", "-o") { Description = "Run folder to create; default: the file's output, else runs/<name>-<time>." };
        var force = new Option<bool>("--force") { Description = "Replace the run folder if it already exists." };
        var json = new Option<bool>("--json") { Description = "Print the results as JSON on standard output (progress goes to standard error)." };
        command.Add(file);
        command.Add(sets);
        command.Add(output);
        command.Add(force);
        command.Add(json);
        var shards = new ShardOptionSet(command);

        command.SetAction(parse =>
        {
            var experiment = ExperimentFile.Load(parse.GetValue(file)!, parse.GetValue(sets) ?? []);
            var path = parse.GetValue(output) ?? experiment.Settings.Output ?? RunFolder.DefaultPath(experiment.Settings.Name);
            if (!DeviceOption.IsGiven(parse)) ComputeDevice.Use(experiment.Settings.Device);
            if (shards.Applies(parse)) return shards.Run(context, parse, experiment, path, parse.GetValue(json));
            var study = experiment.Study;
            Studies.RunPreflight.Check(study.ToDataSelection(), study.ValidationCount, study.TeacherPath, "validationCount");
            using var folder = RunFolder.Claim(path, parse.GetValue(force));
            var result = folder.Run(_ => ProgressView.Run(context.Diagnostics, observer => new Studies.StudyPipeline(observer).Run(ExperimentPlan.Of(experiment), folder)));
            ResultView.Show(context, result, parse.GetValue(json));
            return 0;
        });
        return command;
    }
}
