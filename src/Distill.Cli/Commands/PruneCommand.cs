using System.CommandLine;
using Distill.Cli.Rendering;
using Distill.Deployment;
using Spectre.Console;

namespace Distill.Cli.Commands;

/// <summary>prune: the accuracy / sparsity / latency curve of a finished run's student.</summary>
internal static class PruneCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("prune", "Prune a finished run's student to each sparsity (magnitude) and channel share (structured), fine-tune each (by distillation from the run's teacher, or --fine-tune labels), and measure accuracy, size and latency: the pruning curve. Writes RUN_DIR/prune/.");
        var run = new Argument<string>("run") { Description = "The folder of a finished quickstart, distill or compare run." };
        var sparsities = new Option<double[]>("--sparsity") { Description = "Sparsities to prune to, e.g. 0.5 0.7 0.9.", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => [0.5, 0.7, 0.9] };
        var channels = new Option<double[]>("--channels") { Description = "Shares of channels to remove (mlp: and cnn: students), e.g. 0.25 0.5.", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => [] };
        var shared = new EdgeOptionSet();
        command.Add(run);
        command.Add(sparsities);
        command.Add(channels);
        shared.AddTo(command);

        command.SetAction(parse =>
        {
            var options = shared.Read(parse, 0.5, 0.25);
            var folder = parse.GetValue(run)!;
            var report = ProgressView.Run(context.Diagnostics, observer =>
                PruningCurve.Run(folder, parse.GetValue(sparsities)!, parse.GetValue(channels)!, options, observer, shared.Resume(parse)),
                shared.ResumeCommand(parse, command));
            EdgeView.Show(context.Output, report);
            context.Output.WriteLine($"Written: {Path.Combine(folder, PruningCurve.FolderName, "curve.md")} and curve.json.");
            return 0;
        });
        return command;
    }
}
