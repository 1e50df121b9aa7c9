using Spectre.Console;

namespace Distill.Cli.Rendering;

/// <summary>
/// A table that fits the terminal: the columns a reader needs most are kept and the rest are
/// dropped, least needed first, until the rows fit the width without wrapping a cell; narrow
/// terminals also get shorter headers. The whole table shows from 160 columns on, and with --wide.
/// </summary>
internal static class FittedTable
{
    /// <summary>The columns of the comparison tables, most needed first; the seed count is the first to go (the title says how many seeds).</summary>
    public static readonly IReadOnlyList<string> ComparisonPriority =
    [
        "Model", "Test errors", "Test accuracy", "Parameters", "Training time", "Size", "Latency / sample", "Best epoch",
        "Spec", "Last-epoch errors", "Hyperparameters", "Seeds",
    ];

    private static readonly Dictionary<string, string> ShortHeaders = new(StringComparer.Ordinal)
    {
        ["Test accuracy"] = "Accuracy",
        ["Test errors"] = "Errors",
        ["Training time"] = "Train time",
        ["Latency / sample"] = "Latency",
        ["Last-epoch errors"] = "Last-ep. errors",
        ["Parameters"] = "Params",
    };

    /// <summary>The indices of the columns kept for <paramref name="width"/>, in their original order, and the headers to show.</summary>
    public static (IReadOnlyList<int> Columns, IReadOnlyList<string> Headers) Fit(
        IReadOnlyList<string> headers, IReadOnlyList<IReadOnlyList<string>> rows, IReadOnlyList<string> priority, int width)
    {
        var shortened = width < 120;
        var shown = headers.Select(h => shortened && ShortHeaders.TryGetValue(h, out var s) ? s : h).ToList();
        int Needed(int column) => rows.Select(r => r[column].Length).Append(shown[column].Length).Max();
        var kept = Enumerable.Range(0, headers.Count).ToList();
        var dropOrder = Enumerable.Range(0, headers.Count)
            .OrderByDescending(i => priority.ToList().IndexOf(headers[i]) is var p and >= 0 ? p : int.MaxValue).ToList();
        // Rounded border: one character per column edge plus a space of padding on each side of a cell.
        int TableWidth() => kept.Sum(i => Needed(i) + 3) + 1;
        foreach (var column in dropOrder)
        {
            if (TableWidth() <= width || kept.Count <= 2) break;
            kept.Remove(column);
        }
        return (kept, kept.Select(i => shown[i]).ToList());
    }

    /// <summary>A Spectre table of the kept columns, titled, with a note under it naming what was left out.</summary>
    public static Table Build(string title, IReadOnlyList<string> headers, IReadOnlyList<IReadOnlyList<string>> rows, int width)
    {
        var (columns, shown) = Fit(headers, rows, ComparisonPriority, width);
        var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(title));
        foreach (var header in shown) table.AddColumn(new TableColumn(Markup.Escape(header)));
        foreach (var row in rows) table.AddRow(columns.Select(i => new Text(row[i])).ToArray());
        var dropped = Enumerable.Range(0, headers.Count).Where(i => !columns.Contains(i)).Select(i => headers[i]).ToList();
        // The caption wraps at the table's width, so every column left out is named.
        if (dropped.Count > 0)
            table.Caption(Markup.Escape($"More with --wide or in summary.md: {string.Join(", ", dropped)}"), new Style(Color.Grey));
        return table;
    }
}
