using System.CommandLine;
using Distill.Cli.Rendering;
using Distill.Studies;
using Distill.Training;

namespace Distill.Cli.Commands;

/// <summary>train: one model on the labels alone (a teacher, or a student baseline).</summary>
internal static class TrainCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("train", "Train one model on the labels alone: a teacher, or a student baseline.");
        var run = new RunOptionSet(command);
        var spec = new Option<string>("--model", "-m") { Description = "Architecture, e.g. mlp:1200-1200,dropout=0.5." };
        var role = new Option<string>("--role") { Description = "teacher or scratch (how the model is labelled in reports).", DefaultValueFactory = _ => "teacher" };
        role.AcceptOnlyFromAmong("teacher", "scratch");
        command.Add(spec);
        run.RequireUnlessResuming(command, spec);
        command.Add(role);
        var training = new TrainingOptionSet(command, "", "this model", new TrainingOptions());

        command.SetAction(given =>
        {
            var parse = run.Resolve(command, given);
            var resume = run.ResumeFolder(given) is not null;
            var options = training.Read(parse, run.Seed(parse));
            Models.ModelSpec.Parse(parse.GetValue(spec)!);
            var modelRole = parse.GetValue(role) == "scratch" ? ModelRole.Scratch : ModelRole.Teacher;
            RunPreflight.Check(run.Data(parse), run.ValidationCount(parse));
            using var folder = run.OpenFolder(given, parse, command);
            var plan = new StudyPlan(run.Data(parse), run.ValidationCount(parse), options.Seed,
                [StudyRole.Trained(modelRole, modelRole.ToString().ToLowerInvariant(), parse.GetValue(spec)!, options)]) { Name = "Training run", Command = "distill train (its flags are in command-line.json)" };
            var result = folder.Run(_ => ProgressView.Run(context.Diagnostics, resumeCommand: RunOptionSet.ResumeCommand(command, folder),
                work: observer => new StudyPipeline(observer, resume: resume).Run(plan, folder)));
            ResultView.Show(context, result, run.Json(parse));
            return 0;
        });
        return command;
    }
}
