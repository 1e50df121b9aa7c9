using System.Globalization;
using Distill.Studies;
using Distill.Training;
using Spectre.Console;

namespace Distill.Cli.Rendering;

/// <summary>
/// Shows a run's progress: live bars with ETA and running metrics on a terminal, one plain line
/// per finished epoch elsewhere (logs, CI, pipes).
/// </summary>
internal static class ProgressView
{
    public static T Run<T>(IAnsiConsole console, Func<StudyObserver, T> work)
    {
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

        T result = default!;
        console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(context =>
            {
                var tasks = new Dictionary<string, ProgressTask>();
                var observer = new StudyObserver(
                    new InlineProgress<string>(message => console.MarkupLine("[grey]" + Markup.Escape(message) + "[/]")),
                    new InlineProgress<TrainingProgress>(p =>
                    {
                        if (!tasks.TryGetValue(p.Model, out var task))
                            tasks[p.Model] = task = context.AddTask(p.Model, maxValue: (double)p.Epochs * p.Steps);
                        task.Value = (double)(p.Epoch - 1) * p.Steps + p.Step;
                        task.Description = Markup.Escape(Describe(p));
                        if (p.Completed is { } record)
                        {
                            console.MarkupLine("[grey]" + Markup.Escape(EpochLine(record, p.Epochs, p.Restored)) + "[/]");
                            if (p.Epoch == p.Epochs) task.Value = task.MaxValue;
                        }
                    }));
                result = work(observer);
                foreach (var task in tasks.Values) task.StopTask();
            });
        return result;
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
