using static TorchSharp.torch;

namespace Distill.Models.Zoo;

/// <summary>
/// Averages each feature map to one value and returns [batch, channels]: pooling and flattening in
/// one leaf module, so the pooled embedding has a tap of its own (named <c>pool</c> in the zoo).
/// </summary>
public sealed class GlobalAveragePool() : nn.Module<Tensor, Tensor>(nameof(GlobalAveragePool))
{
    public override Tensor forward(Tensor input) => input.mean([2, 3]);
}
