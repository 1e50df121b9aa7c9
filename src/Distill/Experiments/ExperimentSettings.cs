namespace Distill.Experiments;

/// <summary>
/// The keys of an experiment file that are not part of the study itself. Every other top-level
/// key belongs to <see cref="Studies.StudyOptions"/>, whose defaults are the defaults of a file.
/// </summary>
public sealed record ExperimentSettings
{
    /// <summary>Short name, used for the default run folder (runs/NAME-time) and the report title.</summary>
    public string Name { get; init; } = "experiment";

    /// <summary>Free text shown at the top of the report.</summary>
    public string? Description { get; init; }

    /// <summary>
    /// Seeds of the students: each runs the scratch baseline and every distilled student once, and the
    /// tables show mean and standard deviation. The first seed also seeds the teacher and the validation
    /// split; these replace teacherTraining.seed and studentTraining.seed.
    /// </summary>
    public IReadOnlyList<int> Seeds { get; init; } = [1];

    /// <summary>Run folder; null means runs/NAME-time.</summary>
    public string? Output { get; init; }

    /// <summary>Values to try for student-side keys, with one teacher; null runs the study once per seed.</summary>
    public SweepOptions? Sweep { get; init; }

    /// <summary>Where tensors live: cpu, cuda or cuda:N (the CUDA build only); --device wins. See docs/scale.md.</summary>
    public string Device { get; init; } = "cpu";

    public static IReadOnlySet<string> Keys { get; } =
        new HashSet<string>(["name", "description", "seeds", "output", "sweep", "device"], StringComparer.Ordinal);
}
