using System.CommandLine;
using Distill.Export;
using Distill.Models;
using Spectre.Console;

namespace Distill.Cli.Commands;

/// <summary>export: a saved model as a file other runtimes read.</summary>
internal static class ExportCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("export", "Export a saved model (or a run folder's distilled student) to ONNX, for ONNX Runtime and other runtimes.");
        var model = new Argument<string>("model") { Description = "A weights file (best.bin) with its .json card, or a run folder: its distilled student, else its only model." };
        var format = new Option<string>("--format") { Description = "Output format: onnx.", DefaultValueFactory = _ => "onnx" };
        format.AcceptOnlyFromAmong("onnx");
        var output = new Option<string>("--output", "-o") { Description = "The file to write, e.g. student.onnx.", Required = true };
        command.Add(model);
        command.Add(format);
        command.Add(output);

        command.SetAction(parse =>
        {
            var path = ModelLocator.Resolve(parse.GetValue(model)!);
            var target = parse.GetValue(output)!;
            var (loaded, card) = ModelStore.Load(path);
            using (loaded)
                OnnxExporter.Save(loaded, card, target);
            context.Output.WriteLine($"Exported {path} ({card.Spec}, input {string.Join("x", card.InputShape)}, {card.ClassCount} classes) to {target} (ONNX opset {OnnxExporter.Opset}).");
            return 0;
        });
        return command;
    }
}
