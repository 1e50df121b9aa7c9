using System.Globalization;
using Distill.Studies;
using Distill.Training;
using Spectre.Console;

namespace Distill.Cli.Rendering;

/// <summary>
/// Shows a run's progress: on a terminal, a live bar per model (sized to the terminal so nothing
/// wraps into the epoch lines printed above it) and a spinner row naming the current phase
/// (loading, caching the teacher's outputs, testing); elsewhere (logs, CI, pipes) one plain line
/// per message and per finished epoch.
/// </summary>
internal static class ProgressView
{
    /// <param name="resumeCommand">The command that continues this run, said when it is interrupted (Ctrl-C).</param>
    public static T Run<T>(IAnsiConsole console, Func<StudyObserver, T> work, string? resumeCommand = null)
    {
        using var interruption = new InterruptionNotice(console, resumeCommand);
        if (!console.Profile.Capabilities.Interactive)
        {
            var observer = new StudyObserver(
                new InlineProgress<string>(message => console.WriteLine(message)),
                new InlineProgress<TrainingProgress>(p =>
                {
                    if (p.Completed is { } record) console.WriteLine(EpochLine(record, p.Epochs, p.Restored));
                }));
            return work(observer);
        }

        var width = console.Profile.Width;
        T result = default!;
        // Rendered on the training thread, between steps, never by Spectre's refresh thread: a thread
        // that allocates while the trainer is inside libtorch can start a collection that finalizes a
        // TorchSharp temporary (a Scalar made by an implicit conversion inside TorchSharp itself) that
        // libtorch is still reading, which crashed about one terminal run in four.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        console.Progress()
            .AutoRefresh(false)
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(Columns(width))
            .Start(context =>
            {
                var tasks = new Dictionary<string, ProgressTask>();
                ProgressTask? phase = null;
                var rendered = long.MinValue;
                void Render(bool now)
                {
                    if (!now && clock.ElapsedMilliseconds - rendered < RefreshMilliseconds) return;
                    context.Refresh();
                    rendered = clock.ElapsedMilliseconds;
                }
                void Phase(string text)
                {
                    // Spectre.Console refuses a task without a name: the first phase names it.
                    var description = Markup.Escape(Fit(text, DescriptionWidth(width)));
                    if (description.Length == 0) description = "working";
                    phase ??= context.AddTask(description, maxValue: 1).IsIndeterminate();
                    phase.Description = description;
                }
                var observer = new StudyObserver(
                    new InlineProgress<string>(message =>
                    {
                        console.MarkupLine("[grey]" + Markup.Escape(Fit(message, width - 1)) + "[/]");
                        Phase(message);
                        Render(now: true);
                    }),
                    new InlineProgress<TrainingProgress>(p =>
                    {
                        if (!tasks.TryGetValue(p.Model, out var task))
                        {
                            // Models train one after another: a new one means the earlier ones are done.
                            foreach (var done in tasks.Values) Finish(done);
                            tasks[p.Model] = task = context.AddTask(p.Model, maxValue: (double)p.Epochs * p.Steps);
                        }
                        task.Value = (double)(p.Epoch - 1) * p.Steps + p.Step;
                        task.Description = Markup.Escape(Fit(Describe(p), DescriptionWidth(width)));
                        Phase($"training {p.Model}");
                        if (p.Completed is { } record)
                        {
                            console.MarkupLine("[grey]" + Markup.Escape(Fit(EpochLine(record, p.Epochs, p.Restored), width - 1)) + "[/]");
                            if (p.Epoch == p.Epochs) Finish(task);
                        }
                        Render(now: p.Completed is not null);
                    }));
                result = work(observer);
                foreach (var task in tasks.Values) Finish(task);
                if (phase is not null)
                {
                    phase.Description = "done";
                    phase.IsIndeterminate = false;
                    phase.Value = phase.MaxValue;
                    phase.StopTask();
                }
                context.Refresh();
            });
        return result;
    }

    /// <summary>The columns for a terminal <paramref name="width"/> wide: the bar takes what the text leaves, and goes below 70 columns.</summary>
    public static ProgressColumn[] Columns(int width)
    {
        var bar = width - DescriptionWidth(width) - ElapsedColumn.Width - PercentageWidth - 2 - 5;
        var columns = new List<ProgressColumn> { new TaskDescriptionColumn { Alignment = Justify.Left } };
        if (bar >= 6) columns.Add(new ProgressBarColumn { Width = Math.Min(40, bar) });
        columns.Add(new PercentageColumn());
        columns.Add(new ElapsedColumn());
        columns.Add(new SpinnerColumn());
        return [.. columns];
    }

    private const int PercentageWidth = 4;

    /// <summary>At most this often the live view redraws between steps (Spectre's own refresh rate).</summary>
    private const int RefreshMilliseconds = 100;

    private static int DescriptionWidth(int width) => Math.Clamp(width - ElapsedColumn.Width - PercentageWidth - 12, 20, 44);

    /// <summary><paramref name="text"/> cut to <paramref name="width"/> characters, with an ellipsis when cut.</summary>
    public static string Fit(string text, int width) => text.Length <= width ? text : text[..Math.Max(0, width - 1)] + "…";

    private static void Finish(ProgressTask task)
    {
        if (task.IsFinished) return;
        task.Value = task.MaxValue;
        task.StopTask();
    }

    public static string EpochLine(EpochRecord r, int epochs, bool restored = false) => string.Format(CultureInfo.InvariantCulture,
        "{0,-9} epoch {1}/{2}: loss {3:F4}, train acc {4:P2}, val loss {5:F4}, val acc {6:P2} ({7:F1} s){8}",
        r.Model, r.Epoch, epochs, r.TrainLoss, r.TrainAccuracy, r.ValidationLoss, r.ValidationAccuracy, r.Seconds, restored ? ", from checkpoint" : "");

    private static string Describe(TrainingProgress p) => p.Completed is { } record
        ? string.Format(CultureInfo.InvariantCulture, "{0,-9} ep {1}/{2} val acc {3:P2}", p.Model, p.Epoch, p.Epochs, record.ValidationAccuracy)
        : string.Format(CultureInfo.InvariantCulture, "{0,-9} ep {1}/{2} loss {3:F4} acc {4:P2}", p.Model, p.Epoch, p.Epochs, p.RunningLoss, p.RunningAccuracy);

    /// <summary>Reports on the calling thread, unlike <see cref="Progress{T}"/>, so output stays in order.</summary>
    private sealed class InlineProgress<TValue>(Action<TValue> handler) : IProgress<TValue>
    {
        public void Report(TValue value) => handler(value);
    }
}
