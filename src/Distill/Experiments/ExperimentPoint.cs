using Distill.Studies;

namespace Distill.Experiments;

/// <summary>A sweep point with the fully resolved, validated study it stands for.</summary>
public sealed record ExperimentPoint(SweepPoint Point, StudyOptions Study);
