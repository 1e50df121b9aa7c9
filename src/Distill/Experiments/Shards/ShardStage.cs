namespace Distill.Experiments.Shards;

/// <summary>
/// The steps of a sharded experiment. Roles every point shares (the teacher, an ensemble's members, a
/// capacity sweep's teachers) are the teacher stage and run once; each point (with its scratch
/// baseline, chain assistants and candidates) is the points stage. A scheduler runs the teacher stage
/// as its own job and the points after it (Slurm --dependency=afterok, a Kubernetes Job per stage).
/// </summary>
public enum ShardStage
{
    /// <summary>The teacher stage when it is not finished yet (waiting for a shard that is training it), then this shard's points.</summary>
    All,

    /// <summary>Only the shared roles: train them once, or find them finished.</summary>
    Teacher,

    /// <summary>Only this shard's points; the teacher stage must have finished.</summary>
    Points,
}
