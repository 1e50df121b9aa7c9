namespace Distill.Pruning;

/// <summary>Where the magnitude threshold of unstructured pruning is drawn.</summary>
public enum PruningScope
{
    /// <summary>One threshold over every prunable weight: layers lose different shares, the total hits the target.</summary>
    Global,

    /// <summary>Each layer loses exactly the target share of its own weights.</summary>
    PerLayer,
}
