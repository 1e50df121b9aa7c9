using Distill.Training;

namespace Distill.Studies;

/// <summary>Where and how <see cref="Distiller.Fit(StudyData, FitOptions?)"/> runs: its run folder, resume, training and progress.</summary>
public sealed record FitOptions
{
    /// <summary>The run folder; null: runs/distiller-TIME under the current directory.</summary>
    public string? Out { get; init; }

    /// <summary>
    /// Continue the run killed in <see cref="Out"/>: finished models are reused, the interrupted one
    /// continues from its last whole epoch, and the run ends byte-identical to an uninterrupted one.
    /// The teacher, student and methods must be the ones the run started with (config.json says so).
    /// </summary>
    public bool Resume { get; init; }

    /// <summary>Replace an earlier Distill run in <see cref="Out"/> (the CLI's --force).</summary>
    public bool Replace { get; init; }

    /// <summary>How the student trains, from scratch and distilled.</summary>
    public TrainingOptions Student { get; init; } = new();

    /// <summary>How the teacher trains when Distill trains it (a spec or a module factory); unused for a given instance or a saved model.</summary>
    public TrainingOptions Teacher { get; init; } = new();

    /// <summary>
    /// Also train the student on the labels alone, from the same initial weights, so the report shows
    /// what distillation gained; needs a student Distill can build twice (a spec or a factory).
    /// </summary>
    public bool Scratch { get; init; } = true;

    /// <summary>Training rows held out for validation when the data has no validation part (Distill's data sources only); null: 10 %, at most 5,000.</summary>
    public int? ValidationCount { get; init; }

    /// <summary>Progress: messages and per-step training progress.</summary>
    public StudyObserver? Observer { get; init; }

    /// <summary>Stops the run between steps; a resumed run continues from the last whole epoch.</summary>
    public CancellationToken Cancellation { get; init; }
}
