using TorchSharp;
using static TorchSharp.torch;
using Distill.Models.Zoo;

namespace Distill.Models.TorchVision;

/// <summary>
/// The <c>torchvision:NAME</c> specs: ImageNet architectures whose module paths and parameter names
/// are torchvision's, so a <c>state_dict</c> saved by PyTorch loads by name (<see cref="Weights.PretrainedWeights"/>).
/// ResNets and VGGs come from the TorchVision package; MobileNetV3-Small and EfficientNet-B0 are
/// written here because the package builds the first with 1000 classes only and lacks the second.
/// They take 3-channel images; 1-channel images are repeated into three, as torchvision users do
/// with grayscale data, so the module (and its parameter names) stays torchvision's own.
/// </summary>
public static class TorchVisionModels
{
    public const string Kind = "torchvision";

    public static IReadOnlyList<TorchVisionArchitecture> All { get; } =
    [
        new("resnet18", "fc", (classes, device) => torchvision.models.resnet18(classes, device: device)),
        new("resnet34", "fc", (classes, device) => torchvision.models.resnet34(classes, device: device)),
        new("resnet50", "fc", (classes, device) => torchvision.models.resnet50(classes, device: device)),
        new("vgg11_bn", "classifier.6", (classes, device) => torchvision.models.vgg11_bn(classes, device: device)),
        new("vgg16", "classifier.6", (classes, device) => torchvision.models.vgg16(classes, device: device)),
        new("vgg16_bn", "classifier.6", (classes, device) => torchvision.models.vgg16_bn(classes, device: device)),
        new("mobilenet_v2", "classifier.1", (classes, device) => OnDevice(torchvision.models.mobilenet_v2(classes), device)),
        new("mobilenet_v3_small", "classifier.3", (classes, device) => OnDevice(new MobileNetV3Small(classes), device)),
        new("efficientnet_b0", "classifier.1", (classes, device) => OnDevice(new EfficientNetB0(classes), device)),
    ];

    /// <summary>The zoo entry that <see cref="ModelZoo"/> lists.</summary>
    public static ZooArchitecture Zoo { get; } = new(Kind, "torchvision:{name}",
        $"torchvision's ImageNet architectures with its module names, so PyTorch state_dicts load (--weights): {string.Join(", ", All.Select(a => a.Name))}",
        ["torchvision:resnet18", "torchvision:vgg16_bn", "torchvision:mobilenet_v3_small"], Parse);

    /// <summary>Parses the body of <c>torchvision:NAME</c>.</summary>
    public static ZooSpec Parse(string text, string body)
    {
        var name = body.Trim();
        var architecture = All.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new DistillException($"Model spec '{text}' names no torchvision architecture Distill builds; use one of {string.Join(", ", All.Select(a => a.Name))}.");
        return new ZooSpec(Kind, (shape, classes, device) => Create(text, architecture, shape, classes, device)) { HeadPath = architecture.HeadPath };
    }

    private static nn.Module<Tensor, Tensor> Create(string text, TorchVisionArchitecture architecture, IReadOnlyList<long> shape, int classes, Device? device)
    {
        if (shape.Count != 3 || shape[0] is not (1 or 3))
            throw new DistillException($"Model spec '{text}' takes 3-channel images (1-channel images are repeated), not inputs of shape {string.Join("x", shape)}.");
        var model = architecture.Create(classes, device);
        // A hook rather than a wrapping module: the parameter names stay torchvision's, so its state_dicts load.
        if (shape[0] == 1)
        {
            model.register_forward_pre_hook((_, input) => input.expand(-1, 3, -1, -1));
            Repeating.AddOrUpdate(model, model);
        }
        return model;
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<nn.Module, nn.Module> Repeating = new();

    /// <summary>Whether <paramref name="model"/> repeats a one-channel input into three before its first layer (ONNX export writes it out).</summary>
    public static bool RepeatsChannels(nn.Module model) => Repeating.TryGetValue(model, out _);

    private static nn.Module<Tensor, Tensor> OnDevice(nn.Module<Tensor, Tensor> model, Device? device) => device is null ? model : model.to(device);
}
