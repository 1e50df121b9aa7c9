using static TorchSharp.torch;

namespace Distill.Runs;

/// <summary>What a tensor in a file must be for the reader to accept it: its element type and exact shape.</summary>
public sealed record TensorSlot(ScalarType Type, long[] Shape)
{
    public static TensorSlot Of(Tensor tensor) => new(tensor.dtype, tensor.shape);
}
