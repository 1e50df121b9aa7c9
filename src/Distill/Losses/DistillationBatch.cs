using static TorchSharp.torch;

namespace Distill.Losses;

/// <summary>What a distillation method sees of one training step.</summary>
public sealed record DistillationBatch(Tensor StudentLogits, Tensor TeacherLogits, Tensor Labels);
