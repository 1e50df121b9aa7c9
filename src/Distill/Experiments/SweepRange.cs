namespace Distill.Experiments;

/// <summary>A continuous interval for random search, sampled uniformly or, with Log, log-uniformly.</summary>
public sealed record SweepRange(double Min, double Max, bool Log = false);
