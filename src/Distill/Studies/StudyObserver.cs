using Distill.Training;

namespace Distill.Studies;

/// <summary>Where a study reports what it is doing; the library never writes to the console itself.</summary>
public sealed record StudyObserver(IProgress<string>? Messages = null, IProgress<TrainingProgress>? Training = null)
{
    public static StudyObserver None { get; } = new();
}
