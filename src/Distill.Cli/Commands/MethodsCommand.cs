using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Distill.Methods;
using Distill.Runs;
using Spectre.Console;

namespace Distill.Cli.Commands;

/// <summary>
/// methods: every distillation method (--method) and every data-free method (--data-free) with its
/// description, paper, options and defaults; with --json one list, each row's "kind" saying which flag picks it.
/// </summary>
internal static class MethodsCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("methods", "List the distillation methods (--method NAME, joined by '+'), their options (--method-option NAME.KEY=VALUE) and defaults.");
        var json = new Option<bool>("--json") { Description = "Print the list as JSON." };
        command.Add(json);
        command.SetAction(given =>
        {
            var defaults = new DistillationOptions();
            var rows = MethodRegistry.All.Select(m => new
            {
                m.Name,
                Kind = "distillation",
                m.Description,
                m.Paper,
                DefaultHardLabelWeight = (double?)m.DefaultHardLabelWeight,
                Options = JsonSerializer.SerializeToNode(m.Options(defaults), m.Options(defaults).GetType(), Json.Options),
            }).ToList();
            var dataFree = Distill.DataFree.DataFreeMethod.All;
            if (given.GetValue(json))
            {
                // A data-free method has no hard-label term: the student never sees a label.
                var free = dataFree.Select(m => new { m.Name, Kind = "data-free", m.Description, m.Paper, DefaultHardLabelWeight = (double?)null, Options = (JsonNode?)m.Options() });
                context.RawOutput.WriteLine(Json.Serialize(rows.Concat(free).ToList()));
                return 0;
            }
            var table = new Table().AddColumns("Method", "What it does", "Options (defaults)", "Paper");
            foreach (var row in rows)
            {
                var options = row.Options!.AsObject().Select(kv => $"{kv.Key}={kv.Value?.ToJsonString() ?? "default layers"}")
                    .Prepend(FormattableString.Invariant($"hard-label weight={row.DefaultHardLabelWeight:g}"));
                table.AddRow(Markup.Escape(row.Name), Markup.Escape(row.Description), Markup.Escape(string.Join("\n", options)), Markup.Escape(row.Paper));
            }
            context.Output.Write(table);
            context.Output.WriteLine("Combine methods with '+' (kd+at); the cross-entropy with the labels is added once, with the first method's weight unless --hard-weight is given.");
            context.Output.WriteLine("Quantization-aware distillation: --qat (--student-qat) trains the student with int8 weights and activations under any method, for export --int8 (docs/qat.md).");
            var freeTable = new Table().Title("Data-free distillation (--data-free METHOD: the teacher alone, no training rows)").AddColumns("Method", "What it does", "Defaults", "Paper");
            foreach (var method in dataFree)
                freeTable.AddRow(Markup.Escape(method.Name), Markup.Escape(method.Description), Markup.Escape(method.Defaults), Markup.Escape(method.Paper));
            context.Output.Write(freeTable);
            return 0;
        });
        return command;
    }
}
