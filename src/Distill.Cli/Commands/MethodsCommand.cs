using System.CommandLine;
using System.Text.Json;
using Distill.Methods;
using Distill.Runs;
using Spectre.Console;

namespace Distill.Cli.Commands;

/// <summary>methods: every distillation method with its description, paper, options and defaults.</summary>
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
                m.Description,
                m.Paper,
                m.DefaultHardLabelWeight,
                Options = JsonSerializer.SerializeToNode(m.Options(defaults), m.Options(defaults).GetType(), Json.Options),
            }).ToList();
            if (given.GetValue(json))
            {
                context.RawOutput.WriteLine(Json.Serialize(rows));
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
            var free = new Table().Title("Data-free distillation (--data-free METHOD: the teacher alone, no training rows)").AddColumns("Method", "What it does", "Defaults", "Paper");
            foreach (var method in Distill.DataFree.DataFreeMethod.All)
                free.AddRow(Markup.Escape(method.Name), Markup.Escape(method.Description), Markup.Escape(method.Defaults), Markup.Escape(method.Paper));
            context.Output.Write(free);
            return 0;
        });
        return command;
    }
}
