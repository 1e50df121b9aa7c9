namespace Distill.Models;

/// <summary>
/// What one forward pass of one input costs a built model: its parameters, the values its layers
/// output (the largest layer's and all leaf layers' together), and the multiply-adds of its
/// convolutions and dense layers (1 multiply-add = 2 FLOPs; batch norm, activations and pooling
/// are not counted, as in the papers' figures).
/// </summary>
public sealed record ModelCost(long Parameters, long LargestActivation, long Activations, long MultiplyAdds)
{
    /// <summary>Millions of floating-point operations, counting a multiply-add as two.</summary>
    public double MegaFlops => MultiplyAdds * 2 / 1e6;
}
