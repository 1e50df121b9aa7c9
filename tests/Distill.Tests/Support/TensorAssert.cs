using static TorchSharp.torch;

namespace Distill.Tests.Support;

public static class TensorAssert
{
    /// <summary>True when both tensors have the same shape and exactly the same values.</summary>
    public static bool Identical(Tensor a, Tensor b) =>
        a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();
}
