using System.Globalization;
using Distill.Data;
using Distill.Runs;
using Spectre.Console;

namespace Distill.Cli.Rendering;

/// <summary>Prints what <c>data inspect</c> found: format, shape or columns, and a table of classes with their counts.</summary>
internal static class DataSummaryView
{
    public static void Show(CliContext context, DataSummary summary, bool json)
    {
        if (json)
        {
            context.RawOutput.WriteLine(Json.Serialize(summary));
            return;
        }
        var console = context.Output;
        var grid = new Grid().AddColumn().AddColumn();
        void Row(string name, string value) => grid.AddRow(new Text(name), new Text(value));
        Row("Path", summary.Path);
        Row("Format", summary.Format);
        Row("Name", summary.Name);
        if (summary.Columns is { } columns)
            Row("Columns", $"{columns.Count} numeric features: {string.Join(", ", columns.Take(16))}{(columns.Count > 16 ? ", ..." : "")}");
        else
            Row("Image size", $"{summary.SampleShape[^1]}x{summary.SampleShape[^2]}, {summary.SampleShape[0]} channel{(summary.SampleShape[0] == 1 ? "" : "s")}");
        Row("Classes", summary.Classes.Count.ToString(CultureInfo.InvariantCulture));
        Row("Normalisation", Stats(summary.Normalization));
        console.Write(grid);
        var table = new Table().Border(TableBorder.Rounded).AddColumn("Class").AddColumn(new TableColumn("Train").RightAligned());
        if (summary.ValidationFromSource) table.AddColumn(new TableColumn("Validation").RightAligned());
        table.AddColumn(new TableColumn("Test").RightAligned());
        foreach (var c in summary.Classes)
        {
            var cells = new List<string> { c.Name, c.Train.ToString("N0", CultureInfo.InvariantCulture) };
            if (summary.ValidationFromSource) cells.Add(c.Validation.ToString("N0", CultureInfo.InvariantCulture));
            cells.Add(c.Test.ToString("N0", CultureInfo.InvariantCulture));
            table.AddRow(cells.Select(Markup.Escape).ToArray());
        }
        console.Write(table);
        if (!summary.ValidationFromSource)
            console.WriteLine($"The validation split is carved from training at run time (--validation rows; default: {Studies.ValidationSplit.DefaultText}).");
    }

    private static string Stats(ChannelNormalization n) => n.Mean.Length > 4
        ? $"mean and std of each of the {n.Mean.Length} columns, measured on training"
        : string.Join("; ", n.Mean.Select((m, i) => string.Create(CultureInfo.InvariantCulture, $"mean {m:0.####} std {n.Std[i]:0.####}")));
}
