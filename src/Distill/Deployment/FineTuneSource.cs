namespace Distill.Deployment;

/// <summary>What a pruned student learns from while it is fine-tuned (<c>--fine-tune</c> of prune and deploy).</summary>
public enum FineTuneSource
{
    /// <summary>Distillation from the run's teacher with the run's method and options (the default).</summary>
    Teacher,

    /// <summary>Cross-entropy with the labels alone, the run's labeled training rows: the baseline that shows what the teacher adds.</summary>
    Labels,
}
