using static TorchSharp.torch;

namespace Distill.Models.Zoo;

/// <summary>
/// A parsed zoo spec: which architecture, and how to build it for inputs of a given shape
/// (channels, height, width) and class count, on a device (the meta device builds it without memory).
/// </summary>
public sealed record ZooSpec(string Architecture, Func<IReadOnlyList<long>, int, Device?, nn.Module<Tensor, Tensor>> Create)
{
    /// <summary>The module path of the classifier head (torchvision's ResNets: fc).</summary>
    public string HeadPath { get; init; } = ModelBuilder.ClassifierName;
}
