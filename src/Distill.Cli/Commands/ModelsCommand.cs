using System.CommandLine;
using System.Globalization;
using Distill.Models;
using Distill.Models.Zoo;
using Distill.Runs;
using Spectre.Console;

namespace Distill.Cli.Commands;

/// <summary>models: every zoo architecture, a representative spec each, with its parameters and forward cost.</summary>
internal static class ModelsCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("models", "List the model zoo: a spec per architecture with its parameters and forward cost (1 multiply-add = 2 FLOPs) for one input.");
        var input = new Option<string>("--input") { Description = "Input shape CxHxW.", DefaultValueFactory = _ => "3x32x32" };
        var classes = new Option<int>("--classes") { Description = "Number of classes.", DefaultValueFactory = _ => 10 };
        var json = new Option<bool>("--json") { Description = "Print the list as JSON." };
        command.Add(input);
        command.Add(classes);
        command.Add(json);
        command.SetAction(given =>
        {
            var shape = ParseShape(given.GetValue(input)!);
            var classCount = given.GetValue(classes);
            var rows = new List<ZooRow>();
            foreach (var architecture in ModelZoo.All)
            foreach (var spec in architecture.Examples)
            {
                try
                {
                    using var model = ModelBuilder.Build(ModelSpec.Parse(spec), shape, classCount);
                    var cost = ModelCostMeter.Measure(model, shape);
                    rows.Add(new ZooRow(spec, architecture.Grammar, architecture.Description, cost.Parameters, cost.MultiplyAdds, Math.Round(cost.MegaFlops, 2)));
                }
                catch (DistillException)
                {
                    // An architecture made for larger images (VGG-16 pools 32x32 down to nothing) is listed without a cost.
                    rows.Add(new ZooRow(spec, architecture.Grammar, architecture.Description, null, null, null) { Note = $"does not fit {string.Join("x", shape)} inputs" });
                }
            }
            if (given.GetValue(json))
            {
                context.RawOutput.WriteLine(Json.Serialize(rows));
                return 0;
            }
            var table = new Table().AddColumns("Spec", "Parameters", "MFLOPs", "Grammar", "Architecture");
            // Grammar and description once per architecture, on its first row.
            string? previous = null;
            foreach (var row in rows)
            {
                var first = row.Grammar != previous;
                previous = row.Grammar;
                table.AddRow(Markup.Escape(row.Spec), row.Parameters?.ToString("N0", CultureInfo.InvariantCulture) ?? Markup.Escape(row.Note ?? ""),
                    row.MegaFlops?.ToString("0.00", CultureInfo.InvariantCulture) ?? "", first ? Markup.Escape(row.Grammar) : "", first ? Markup.Escape(row.Description) : "");
            }
            context.Output.Write(table);
            context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"For inputs of {string.Join("x", shape)} and {classCount} classes; MFLOPs count convolutions and dense layers, one multiply-add as 2 FLOPs."));
            return 0;
        });
        return command;
    }

    private static long[] ParseShape(string text)
    {
        var parts = text.Split('x', StringSplitOptions.TrimEntries);
        var shape = new long[parts.Length];
        for (var i = 0; i < parts.Length; i++)
            if (!long.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out shape[i]) || shape[i] is < 1 or > 4096)
                throw new DistillException($"The input shape '{text}' must be channels x height x width, each from 1 to 4096 (3x32x32).");
        return parts.Length == 3 ? shape : throw new DistillException($"The input shape '{text}' must be channels x height x width, each from 1 to 4096 (3x32x32).");
    }

    /// <param name="Parameters">Null (with <see cref="Note"/> saying why) for an architecture the input is too small for.</param>
    private sealed record ZooRow(string Spec, string Grammar, string Description, long? Parameters, long? MultiplyAdds, double? MegaFlops)
    {
        public string? Note { get; init; }
    }
}
