using Spectre.Console;
using Spectre.Console.Rendering;

namespace Distill.Cli.Rendering;

/// <summary>
/// Time spent and time left, labelled ("0:12 spent, 0:30 left"); a finished task shows its
/// total ("0:42 in all") and stops counting.
/// </summary>
internal sealed class ElapsedColumn : ProgressColumn
{
    public const int Width = 22;

    public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
        new Text(Label(task.ElapsedTime, task.RemainingTime, task.IsFinished, task.IsIndeterminate), new Style(Color.Grey)).RightJustified();

    public override int? GetColumnWidth(RenderOptions options) => Width;

    /// <summary>The column's text for these times.</summary>
    public static string Label(TimeSpan? elapsed, TimeSpan? remaining, bool finished, bool indeterminate)
    {
        var spent = Format(elapsed ?? TimeSpan.Zero);
        if (finished) return $"{spent} in all";
        if (indeterminate || remaining is null) return $"{spent} spent";
        return $"{spent} spent, {Format(remaining.Value)} left";
    }

    private static string Format(TimeSpan time) => time.TotalHours >= 1
        ? $"{(int)time.TotalHours}:{time.Minutes:00}:{time.Seconds:00}"
        : $"{time.Minutes}:{time.Seconds:00}";
}
