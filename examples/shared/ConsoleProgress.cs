using Distill.Studies;
using Distill.Training;

namespace Examples;

/// <summary>Distill's progress on standard error, one line per message and per finished epoch, written as it happens.</summary>
public sealed class ConsoleProgress : IProgress<string>, IProgress<TrainingProgress>
{
    public static StudyObserver Observer { get; } = new(new ConsoleProgress(), new ConsoleProgress());

    public void Report(string value) => Console.Error.WriteLine(value);

    public void Report(TrainingProgress value)
    {
        if (value.Completed is { } epoch)
            Console.Error.WriteLine($"{epoch.Model} epoch {epoch.Epoch}/{value.Epochs}: validation accuracy {epoch.ValidationAccuracy:P2}{(value.Restored ? ", from checkpoint" : "")}");
    }
}
