using System.CommandLine;
using System.Globalization;
using Distill.Data;
using Distill.Evaluation;
using Distill.Models;
using Distill.Reports;
using Distill.Runs;
using Distill.Teachers;
using Spectre.Console;
using static TorchSharp.torch;

namespace Distill.Cli.Commands;

/// <summary>eval: a saved model on a data set's test split.</summary>
internal static class EvalCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("eval", "Evaluate a saved model on the test split: accuracy, errors, parameters, size, latency.");
        var model = new Argument<string>("model") { Description = "A run folder (its distilled student, else its only model), a weights file (best.bin or last.bin) with its .json card beside it, or an ONNX (.onnx) or TorchScript (.pt) file with --dataset or --data (which must answer its first batch within $DISTILL_TEACHER_TIMEOUT seconds, default 60)." };
        var json = new Option<bool>("--json") { Description = "Print the results as JSON." };
        var assembly = AssemblyOption.Create();
        command.Add(model);
        var data = new DataOptionSet(command, defaultDataset: null);
        command.Add(json);
        command.Add(assembly);

        command.SetAction(parse =>
        {
            var given = parse.GetValue(model)!;
            var imported = ImportedTeacher.IsImported(given);
            if (imported && !File.Exists(given)) throw Export.ModelLocator.Missing("model", given);
            var path = imported ? given : Export.ModelLocator.Resolve(given);
            if (path != given) context.Diagnostics.MarkupLine("[grey]" + Markup.Escape($"Evaluating {path} (from the run folder '{given}').") + "[/]");
            if (imported && data.Dataset(parse) is null && data.Path(parse) is null)
                throw new DistillException($"'{path}' names no data set of its own; pass --data PATH or --dataset NAME.");
            var card = imported ? null : ModelStore.ReadCard(path);
            var selection = card is null ? data.Read(parse) : card.Reading(data.Read(parse, card.Dataset), "model", path);
            if (selection.Path is null && !DatasetInfo.All.Any(d => string.Equals(d.Name, selection.Dataset, StringComparison.OrdinalIgnoreCase)))
                throw new DistillException($"The model '{path}' was trained on {selection.Dataset}, which Distill cannot fetch; pass its data with --data PATH.");
            var where = selection.Resolve();
            using var evaluated = DataSources.Load(selection.ToRequest(where, card?.DataSeed ?? 1, card?.Normalization));
            var test = evaluated.Test;
            var info = evaluated.Info;
            nn.Module<Tensor, Tensor> loaded;
            if (card is null)
            {
                var teacher = ImportedTeacher.Load(path, info.Name, info.ClassCount, test.SampleShape);
                (loaded, card) = (teacher, teacher.Card(info.Name, info.ClassCount, test.SampleShape));
            }
            else
            {
                foreach (var note in DataSchemaCheck.Check(card, "model", path, info, test.SampleShape))
                    context.Diagnostics.MarkupLine("[grey]" + Markup.Escape(note) + "[/]");
                loaded = ModelStore.Load(path, assembly: parse.GetValue(assembly)).Model;
            }
            using (loaded)
            {
                var result = Evaluator.Evaluate(loaded, test);
                var latency = LatencyMeter.MedianMilliseconds(loaded, test.SampleShape);
                var report = new EvalReport(path, card.Spec, info.Name, card.Parameters, new FileInfo(path).Length,
                    result.Count, result.Accuracy, result.Errors, result.Loss, latency, result.ConfusionMatrix);
                if (parse.GetValue(json)) context.RawOutput.WriteLine(Json.Serialize(report));
                else Show(context.Output, report);
            }
            return 0;
        });
        return command;
    }

    private static void Show(IAnsiConsole console, EvalReport r)
    {
        var grid = new Grid().AddColumn().AddColumn();
        void Row(string name, string value) => grid.AddRow(new Text(name), new Text(value));
        Row("Model", $"{r.Model} ({r.Spec})");
        Row("Data", $"{r.Dataset} test, {r.Count:N0} examples");
        Row("Accuracy", (r.Accuracy * 100).ToString("F2", CultureInfo.InvariantCulture) + "%");
        Row("Errors", r.Errors.ToString(CultureInfo.InvariantCulture));
        Row("Loss", r.Loss.ToString("F4", CultureInfo.InvariantCulture));
        Row("Parameters", r.Parameters.ToString("N0", CultureInfo.InvariantCulture));
        Row("Size", ExperimentTables.FormatBytes(r.SizeBytes));
        Row("Latency / sample", r.LatencyMilliseconds.ToString("F3", CultureInfo.InvariantCulture) + " ms");
        console.Write(grid);
    }

    private sealed record EvalReport(
        string Model, string Spec, string Dataset, long Parameters, long SizeBytes, long Count,
        double Accuracy, long Errors, double Loss, double LatencyMilliseconds, long[][] ConfusionMatrix);
}
