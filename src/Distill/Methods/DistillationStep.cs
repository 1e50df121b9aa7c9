using static TorchSharp.torch;

namespace Distill.Methods;

/// <summary>
/// What a distillation method sees of one training step: both models' logits, the outputs of the
/// layers it asked for by name, the labels, the batch's row numbers in the training set (for
/// methods that keep per-sample memory, such as CRD) and the epoch (for warm-ups, such as DKD's).
/// </summary>
public sealed record DistillationStep(
    Tensor StudentLogits,
    Tensor TeacherLogits,
    Tensor Labels,
    IReadOnlyDictionary<string, Tensor> StudentFeatures,
    IReadOnlyDictionary<string, Tensor> TeacherFeatures,
    Tensor Rows,
    int Epoch);
