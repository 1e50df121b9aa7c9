using static TorchSharp.torch;

namespace Distill.Teachers;

/// <summary>The teacher's logits for a batch and the outputs of the layers a method asked for.</summary>
public sealed record TeacherOutputs(Tensor Logits, IReadOnlyDictionary<string, Tensor> Features);
