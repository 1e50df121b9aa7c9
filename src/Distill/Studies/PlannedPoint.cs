using Distill.Experiments;

namespace Distill.Studies;

/// <summary>
/// Where one seed of one point sits in a <see cref="StudyPlan"/>: the folders of its scratch and
/// distilled roles and of a chain's other roles beside them, and its own folder (comparison gallery,
/// per-point curves), all relative to the run folder ("" is the run folder itself).
/// </summary>
public sealed record PlannedPoint(SweepPoint Point, int Seed, string Scratch, string Distilled, string Folder, IReadOnlyList<string> Others);
