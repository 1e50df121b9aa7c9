using Distill.Models.Zoo;
using TorchSharp.Modules;
using ResNet = TorchSharp.Modules.ResNet;
using static TorchSharp.torch;

namespace Distill.Export;

/// <summary>
/// Turns a model into ONNX nodes by following its forward pass: chains (Sequential, the zoo's
/// layer chains and the zoo networks whose children run in order) child by child, the zoo's
/// residual blocks by their own data flow, and leaves through <see cref="OnnxLayers"/>. A probe
/// tensor goes along so every writer knows the shapes it sees.
/// </summary>
internal sealed class OnnxModelWalker(OnnxGraph graph)
{
    /// <summary>A value in the graph and a tensor of the shape it has (batch 1).</summary>
    public readonly record struct Value(string Name, Tensor Probe);

    public Value Walk(nn.Module module, string path, Value input)
    {
        var name = path.Length == 0 ? "model" : path;
        switch (module)
        {
            case Sequential or LayerChain or ResNetCifar or WideResNet or MobileNetV2Cifar or ResNet when module.named_children().Any():
                foreach (var (childName, child) in module.named_children())
                    input = Walk(child, Child(path, childName), input);
                return input;
            case VggCifar vgg:
                return Vgg(vgg, path, input);
            case BasicBlock:
                return Basic(module, path, input);
            case var block when IsTorchVisionBlock(block):
                return TorchVisionBlock(block, path, input);
            case WideBasicBlock:
                return Wide(module, path, input);
            case InvertedResidual inverted:
                var body = Walk(ChildOf(module, "conv", name), Child(path, "conv"), input);
                return inverted.AddsInput ? Add(name, body, input) : body;
            case nn.Module<Tensor, Tensor> layer:
                var next = layer.call(input.Probe);
                return new Value(OnnxLayers.Write(graph, module, name, input.Name, input.Probe.shape, next.shape), next);
            default:
                throw new DistillException($"ONNX export does not know the layer '{name}' ({module.GetType().Name}).");
        }
    }

    /// <summary>Whether the walker follows <paramref name="model"/>'s own data flow; a module of the user's is exported child by child and checked.</summary>
    public static bool Knows(nn.Module model) =>
        model is Sequential or LayerChain or ResNetCifar or WideResNet or MobileNetV2Cifar or ResNet or VggCifar or BasicBlock or WideBasicBlock or InvertedResidual
        || IsTorchVisionBlock(model);

    /// <summary>The children of <paramref name="module"/> (the model itself), each fed the one before's output.</summary>
    public Value WalkChildren(nn.Module module, Value input)
    {
        foreach (var (childName, child) in module.named_children())
            input = Walk(child, childName, input);
        return input;
    }

    /// <summary>conv3x3-bn-relu-conv3x3-bn, plus the input or its shortcut, then ReLU (He et al. 2016).</summary>
    private Value Basic(nn.Module block, string path, Value input)
    {
        var x = Walk(ChildOf(block, "conv1", path), Child(path, "conv1"), input);
        x = Walk(ChildOf(block, "relu1", path), Child(path, "relu1"), Walk(ChildOf(block, "bn1", path), Child(path, "bn1"), x));
        x = Walk(ChildOf(block, "conv2", path), Child(path, "conv2"), x);
        x = Walk(ChildOf(block, "bn2", path), Child(path, "bn2"), x);
        var shortcut = Children(block).TryGetValue("shortcut", out var projection) ? Walk(projection, Child(path, "shortcut"), input) : input;
        return Relu($"{path}.relu", Add($"{path}.add", x, shortcut));
    }

    /// <summary>
    /// torchvision's BasicBlock (conv1-bn1-relu1-conv2-bn2) and Bottleneck (... relu2-conv3-bn3), plus the
    /// input or its <c>downsample</c> projection, then ReLU: the names of torchvision's resnet.py.
    /// </summary>
    private Value TorchVisionBlock(nn.Module block, string path, Value input)
    {
        var children = Children(block);
        var x = input;
        foreach (var name in new[] { "conv1", "bn1", "relu1", "conv2", "bn2", "relu2", "conv3", "bn3" })
            if (children.TryGetValue(name, out var child)) x = Walk(child, Child(path, name), x);
        var shortcut = children.TryGetValue("downsample", out var projection) ? Walk(projection, Child(path, "downsample"), input) : input;
        return Relu($"{path}.relu", Add($"{path}.add", x, shortcut));
    }

    public static bool IsTorchVisionBlock(nn.Module module) =>
        module.GetType().FullName is "TorchSharp.Modules.ResNet+BasicBlock" or "TorchSharp.Modules.ResNet+Bottleneck";

    /// <summary>Pre-activation: bn-relu-conv-bn-relu-conv, plus the raw input or the activated input's 1x1 projection.</summary>
    private Value Wide(nn.Module block, string path, Value input)
    {
        var activated = Walk(ChildOf(block, "relu1", path), Child(path, "relu1"), Walk(ChildOf(block, "bn1", path), Child(path, "bn1"), input));
        var x = Walk(ChildOf(block, "conv1", path), Child(path, "conv1"), activated);
        x = Walk(ChildOf(block, "relu2", path), Child(path, "relu2"), Walk(ChildOf(block, "bn2", path), Child(path, "bn2"), x));
        x = Walk(ChildOf(block, "conv2", path), Child(path, "conv2"), x);
        var shortcut = Children(block).TryGetValue("shortcut", out var projection) ? Walk(projection, Child(path, "shortcut"), activated) : input;
        return Add($"{path}.add", x, shortcut);
    }

    /// <summary>The CIFAR VGG's children in order, pool3 only where the network uses it.</summary>
    private Value Vgg(VggCifar vgg, string path, Value input)
    {
        foreach (var (childName, child) in vgg.named_children())
        {
            if (childName == "pool3" && !vgg.PoolsAfterBlock3) continue;
            input = Walk(child, Child(path, childName), input);
        }
        return input;
    }

    private Value Relu(string name, Value input) =>
        new(graph.Node("Relu", graph.Fresh(name), [input.Name]), nn.functional.relu(input.Probe));

    private Value Add(string name, Value left, Value right) =>
        new(graph.Node("Add", graph.Fresh(name), [left.Name, right.Name]), left.Probe + right.Probe);

    private static string Child(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    private static Dictionary<string, nn.Module> Children(nn.Module module) =>
        module.named_children().ToDictionary(c => c.name, c => c.module, StringComparer.Ordinal);

    private static nn.Module ChildOf(nn.Module module, string name, string path) =>
        Children(module).TryGetValue(name, out var child)
            ? child
            : throw new DistillException($"ONNX export expected a submodule '{name}' in '{path}' ({module.GetType().Name}).");
}
