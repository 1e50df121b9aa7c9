using Distill.Deployment;
using Spectre.Console;

namespace Distill.Cli.Rendering;

/// <summary>The edge table on the terminal.</summary>
internal static class EdgeView
{
    public static void Show(IAnsiConsole console, EdgeReport report)
    {
        var (header, cells) = report.Table();
        var table = new Table().AddColumns([.. header.Select(h => Markup.Escape(h))]);
        foreach (var row in cells) table.AddRow([.. row.Select(Markup.Escape)]);
        console.Write(table);
        console.WriteLine(report.Describe());
    }
}
