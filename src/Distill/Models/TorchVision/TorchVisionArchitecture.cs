using static TorchSharp.torch;

namespace Distill.Models.TorchVision;

/// <summary>
/// One torchvision architecture: its name in torchvision (<c>torchvision.models.NAME</c>), the module
/// path of its classifier head (replaced by <c>--new-head</c>, left trainable by <c>--freeze all-but-head</c>),
/// and how to build it for a class count, with torchvision's module paths and parameter names.
/// </summary>
public sealed record TorchVisionArchitecture(string Name, string HeadPath, Func<int, Device?, nn.Module<Tensor, Tensor>> Create);
