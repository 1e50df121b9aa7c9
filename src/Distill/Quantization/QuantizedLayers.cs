using Distill.Models;
using Distill.Models.Zoo;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distill.Quantization;

/// <summary>
/// Which layers of a model quantization-aware training simulates, in the order the ONNX exporter
/// writes them, and the dense and convolution products recomputed with fake-quantised weights.
/// Only chains are supported (a model whose layers run one after another: mlp, cnn, plaincnn,
/// vgglike, a user's chain); a branch (residual block) would need the exporter's own data flow.
/// </summary>
internal static class QuantizedLayers
{
    /// <summary>One layer: its path (the name of its output in the ONNX graph), the module, and how it is treated.</summary>
    public sealed record Layer(string Path, nn.Module<Tensor, Tensor> Module)
    {
        /// <summary>A dense layer or convolution: its product is recomputed with a fake-quantised weight.</summary>
        public bool Computes => Module is Linear or MixedLinear or Conv2d or SameConv2d;

        /// <summary>A convolution whose output the next layer, a batch norm, takes (the exporter folds the two).</summary>
        public bool FoldsIntoNorm { get; init; }

        /// <summary>The output is quantized (false for the logits, a folded convolution's output and dropout, which writes no node).</summary>
        public bool QuantizesOutput { get; init; }
    }

    public static IReadOnlyList<Layer> Plan(nn.Module<Tensor, Tensor> model)
    {
        var leaves = new List<(string Path, nn.Module<Tensor, Tensor> Module)>();
        Collect(model, "", leaves, root: true);
        var valued = leaves.Where(l => l.Module is not Dropout).ToList();
        if (valued.Count == 0) throw new DistillException("Quantization-aware training needs a model with layers; this one has none.");
        return [.. leaves.Select((leaf, i) =>
        {
            var folds = leaf.Module is Conv2d or SameConv2d && i + 1 < leaves.Count && leaves[i + 1].Module is BatchNorm2d;
            return new Layer(leaf.Path, leaf.Module)
            {
                FoldsIntoNorm = folds,
                QuantizesOutput = leaf.Module is not Dropout && !folds && !ReferenceEquals(leaf.Module, valued[^1].Module),
            };
        })];
    }

    private static void Collect(nn.Module module, string path, List<(string, nn.Module<Tensor, Tensor>)> leaves, bool root)
    {
        if (root && module is Training.MutualCohort)
            throw new DistillException("Quantization-aware training takes one student at a time; mutual learning's peers cannot train quantization-aware together yet.");
        if (module is VggCifar or BasicBlock or WideBasicBlock or InvertedResidual)
            throw new DistillException($"Quantization-aware training supports models whose layers run one after another (mlp, cnn, plaincnn, vgglike); '{(path.Length == 0 ? module.GetType().Name : path)}' has branches or skipped layers, so train it in float32 and quantize it with export --int8.");
        if (root || module is Sequential or LayerChain)
        {
            foreach (var (name, child) in module.named_children())
                Collect(child, path.Length == 0 ? name : $"{path}.{name}", leaves, root: false);
            return;
        }
        if (module is not (Linear or MixedLinear or Conv2d or SameConv2d or BatchNorm1d or BatchNorm2d or ReLU or Hardtanh or LeakyReLU or Tanh
            or MaxPool2d or SameMaxPool2d or Flatten or Dropout) || module is not nn.Module<Tensor, Tensor> layer)
            throw new DistillException($"Quantization-aware training cannot quantize the layer '{path}' ({module.GetType().Name}); it supports dense, conv, batch norm, max-pool, flatten, dropout, relu, relu6, leaky relu and tanh layers.");
        leaves.Add((path, layer));
    }

    /// <summary>The layer's weight and bias (null when it has none).</summary>
    public static (Tensor Weight, Tensor? Bias) Parameters(nn.Module layer)
    {
        var parameters = layer.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter, StringComparer.Ordinal);
        var prefix = layer is SameConv2d ? "conv." : "";
        return (parameters[prefix + "weight"], parameters.GetValueOrDefault(prefix + "bias"));
    }

    /// <summary>What the layer computes, with the given weight and bias in place of its own.</summary>
    public static Tensor Compute(nn.Module layer, Tensor input, Tensor weight, Tensor? bias) => layer switch
    {
        Linear or MixedLinear => nn.functional.linear(input, weight, bias),
        Conv2d conv => nn.functional.conv2d(input, weight, bias, conv.stride, conv.padding_type is null ? conv.padding : [0, 0], conv.dilation, conv.groups),
        SameConv2d same => Same(same, input, weight, bias),
        _ => throw new InvalidOperationException($"{layer.GetType().Name} has no weight to quantize."),
    };

    private static Tensor Same(SameConv2d conv, Tensor input, Tensor weight, Tensor? bias)
    {
        var (top, bottom) = SamePadding.For(input.shape[2], conv.Kernel, conv.Stride);
        var (left, right) = SamePadding.For(input.shape[3], conv.Kernel, conv.Stride);
        using var padded = nn.functional.pad(input, [left, right, top, bottom]);
        return nn.functional.conv2d(padded, weight, bias, [conv.Stride, conv.Stride]);
    }
}
