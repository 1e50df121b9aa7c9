using System.CommandLine;
using Distill.Cli.Rendering;
using Distill.Deployment;
using Distill.Reports;
using Spectre.Console;

namespace Distill.Cli.Commands;

/// <summary>deploy: the whole edge path for a finished run, and its table.</summary>
internal static class DeployCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("deploy", "Take a finished run's student to the edge: export to ONNX, prune and fine-tune (by distillation, or --fine-tune labels), quantize to int8, and measure teacher / student / pruned / slim / int8 (accuracy, size, parameters, latency). Writes RUN_DIR/deploy/.");
        var run = new Argument<string>("run") { Description = "The folder of a finished quickstart, distill or compare run." };
        var sparsity = new Option<double>("--sparsity") { Description = "Share of the student's weights zeroed by magnitude (0 skips).", DefaultValueFactory = _ => 0.5 };
        var channels = new Option<double>("--channels") { Description = "Share of each layer's channels removed, for mlp: and cnn: students (0 skips).", DefaultValueFactory = _ => 0.25 };
        var shared = new EdgeOptionSet();
        command.Add(run);
        command.Add(sparsity);
        command.Add(channels);
        shared.AddTo(command);

        command.SetAction(parse =>
        {
            var options = shared.Read(parse, parse.GetValue(sparsity), parse.GetValue(channels));
            var folder = parse.GetValue(run)!;
            var report = ProgressView.Run(context.Diagnostics, observer => EdgeDeployment.Run(folder, options, observer, shared.Resume(parse)), shared.ResumeCommand(parse, command));
            EdgeView.Show(context.Output, report);
            context.Output.WriteLine($"Written: {Path.Combine(folder, EdgeDeployment.FolderName, EdgeReport.MarkdownFile)}, {EdgeReport.HtmlFile} and {EdgeReport.JsonFile}.");
            // The run's report gains the edge section (runs from before train and distill wrote report.html keep deploy.html alone).
            if (File.Exists(Path.Combine(folder, ExperimentReport.HtmlFile)))
            {
                ReportCommand.Rebuild(Path.TrimEndingDirectorySeparator(folder));
                context.Output.WriteLine($"Updated: {Path.Combine(folder, ExperimentReport.HtmlFile)} (section \"Edge deployment\").");
            }
            return 0;
        });
        return command;
    }
}
