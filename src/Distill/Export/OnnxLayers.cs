using Distill.Models;
using Distill.Models.Zoo;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static Distill.Export.OnnxGraph;

namespace Distill.Export;

/// <summary>
/// How each layer kind becomes ONNX operators (opset 13). A new layer kind is one case here.
/// Shapes come from a probe run through the model, so "same" padding is written out exactly.
/// </summary>
internal static class OnnxLayers
{
    /// <summary>Appends the nodes of <paramref name="module"/> reading <paramref name="input"/>; returns the name of its output.</summary>
    /// <param name="name">The module's path in the model (conv1, gap.0): initializers and values are named after it.</param>
    /// <param name="inputShape">The shape the module sees, batch first.</param>
    /// <param name="outputShape">The shape the module produces, batch first.</param>
    public static string Write(OnnxGraph graph, nn.Module module, string name, string input, long[] inputShape, long[] outputShape)
    {
        var state = module.state_dict();
        string Weight(string key) => graph.Initializer($"{name}.{key}", state[key]);
        return module switch
        {
            Dropout => input,
            Flatten => graph.Node("Flatten", graph.Fresh(name), [input], Int("axis", 1)),
            MixedLinear or Linear => graph.Node("Gemm", graph.Fresh(name), [input, Weight("weight"), Weight("bias")], Int("transB", 1)),
            SameConv2d conv => Convolution(graph, name, input, inputShape, conv, Weight("conv.weight"), Weight("conv.bias")),
            Conv2d conv => Convolution(graph, name, input, conv, Weight("weight"), conv.bias is null ? null : Weight("bias")),
            MaxPool2d pool => graph.Node("MaxPool", graph.Fresh(name), [input],
                Ints("kernel_shape", pool.kernel_size), Ints("strides", pool.stride ?? pool.kernel_size), Ints("pads", Symmetric(pool.padding, 2)),
                Ints("dilations", pool.dilation ?? [1, 1]), Int("ceil_mode", pool.ceil_mode ? 1 : 0)),
            GlobalAveragePool => graph.Node("Flatten", graph.Fresh(name), [graph.Node("GlobalAveragePool", graph.Fresh($"{name}.pool"), [input])], Int("axis", 1)),
            SameMaxPool2d pool => graph.Node("MaxPool", graph.Fresh(name), [input],
                Ints("kernel_shape", pool.Kernel, pool.Kernel), Ints("strides", pool.Stride, pool.Stride), Ints("pads", Pads(inputShape, pool.Kernel, pool.Stride))),
            AdaptiveAvgPool2d when outputShape is [_, _, 1, 1] => graph.Node("GlobalAveragePool", graph.Fresh(name), [input]),
            BatchNorm1d or BatchNorm2d => graph.Node("BatchNormalization", graph.Fresh(name),
                [input, Weight("weight"), Weight("bias"), Weight("running_mean"), Weight("running_var")], Float("epsilon", Epsilon(module))),
            ReLU => graph.Node("Relu", graph.Fresh(name), [input]),
            Hardtanh clip => graph.Node("Clip", graph.Fresh(name), [input, graph.Scalar($"{name}.min", (float)clip.min_val), graph.Scalar($"{name}.max", (float)clip.max_val)]),
            LeakyReLU leaky => graph.Node("LeakyRelu", graph.Fresh(name), [input], Float("alpha", leaky.negative_slope)),
            Tanh => graph.Node("Tanh", graph.Fresh(name), [input]),
            GELU gelu when gelu.approximate.ToString() == "none" => Gelu(graph, name, input),
            _ => throw new DistillException($"ONNX export does not know the layer '{name}' ({module.GetType().Name}); supported: dense, conv (grouped and depthwise too), max-pool, global average pool, batch norm, dropout, flatten, relu, relu6, leaky relu, tanh, gelu."),
        };
    }

    private static string Convolution(OnnxGraph graph, string name, string input, long[] inputShape, SameConv2d conv, string weight, string bias) =>
        graph.Node("Conv", graph.Fresh(name), [input, weight, bias],
            Ints("kernel_shape", conv.Kernel, conv.Kernel), Ints("strides", conv.Stride, conv.Stride), Ints("pads", Pads(inputShape, conv.Kernel, conv.Stride)));

    private static string Convolution(OnnxGraph graph, string name, string input, Conv2d conv, string weight, string? bias)
    {
        if (conv.padding_type is { } padding && padding != TorchSharp.Padding.Valid || conv.padding_mode != TorchSharp.PaddingModes.Zeros)
            throw new DistillException($"ONNX export supports convolutions with explicit zero padding; the layer '{name}' pads otherwise.");
        return graph.Node("Conv", graph.Fresh(name), bias is null ? [input, weight] : [input, weight, bias],
            Ints("kernel_shape", conv.kernel_size), Ints("strides", conv.stride), Ints("pads", Symmetric(conv.padding_type is null ? conv.padding : [0, 0], 2)),
            Ints("dilations", conv.dilation), Int("group", conv.groups));
    }

    /// <summary>PyTorch's per-dimension padding (one value per side pair) as ONNX pads: all begins, then all ends.</summary>
    private static long[] Symmetric(long[]? padding, int dimensions)
    {
        var each = padding is { Length: > 0 } ? padding : [0];
        var begins = Enumerable.Range(0, dimensions).Select(d => each[Math.Min(d, each.Length - 1)]).ToArray();
        return [.. begins, .. begins];
    }

    /// <summary>Keras "same" padding as ONNX pads: [top, left, bottom, right].</summary>
    private static long[] Pads(long[] inputShape, int kernel, int stride)
    {
        var (top, bottom) = SamePadding.For(inputShape[2], kernel, stride);
        var (left, right) = SamePadding.For(inputShape[3], kernel, stride);
        return [top, left, bottom, right];
    }

    /// <summary>Exact GELU, 0.5 x (1 + erf(x / sqrt 2)), from opset-13 operators (Gelu itself arrived in opset 20).</summary>
    private static string Gelu(OnnxGraph graph, string name, string input)
    {
        var scaled = graph.Node("Div", graph.Fresh($"{name}.scaled"), [input, graph.Scalar($"{name}.sqrt2", MathF.Sqrt(2))]);
        var erf = graph.Node("Erf", graph.Fresh($"{name}.erf"), [scaled]);
        var shifted = graph.Node("Add", graph.Fresh($"{name}.shifted"), [erf, graph.Scalar($"{name}.one", 1)]);
        var product = graph.Node("Mul", graph.Fresh($"{name}.product"), [input, shifted]);
        return graph.Node("Mul", graph.Fresh(name), [product, graph.Scalar($"{name}.half", 0.5f)]);
    }

    private static double Epsilon(nn.Module module) => module switch
    {
        BatchNorm1d b => b.eps,
        BatchNorm2d b => b.eps,
        _ => 1e-5,
    };
}
