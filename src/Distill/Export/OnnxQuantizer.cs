using System.Globalization;
using System.Runtime.InteropServices;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;
using Distill.Quantization;
using static TorchSharp.torch;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Distill.Export;

/// <summary>
/// Post-training static int8 quantization of an exported float model, written as QDQ ONNX: every
/// activation a layer reads gets a QuantizeLinear/DequantizeLinear pair (uint8, asymmetric, one scale
/// per tensor, its range calibrated by running training rows through the float model), convolution
/// and dense weights are stored as int8 with one symmetric scale per output channel, and their biases
/// as int32 on the scale input scale x weight scale. ONNX Runtime fuses the pairs around each
/// operator into its integer kernels (QLinearConv, QGemm, ...); other runtimes read the same file.
/// The logits stay float. A model trained quantization-aware brings its own activation ranges
/// (<see cref="QuantizationRanges"/>) and is written without calibration.
/// </summary>
public static class OnnxQuantizer
{
    /// <summary>The QDQ model of <paramref name="floatModel"/>, calibrated on <paramref name="calibration"/> (rows in the model's input shape).</summary>
    public static byte[] Quantize(byte[] floatModel, Tensor calibration, QuantizationOptions options, IProgress<string>? messages = null)
    {
        options.Validate();
        var model = ModelProto.Parser.ParseFrom(floatModel);
        var targets = Targets(model.Graph);
        messages?.Report($"Calibrating {targets.Count} activations on {Math.Min(options.CalibrationRows, calibration.shape[0])} rows ({options.Calibration})");
        var observed = Calibrate(model, targets, calibration, options);
        var ranges = targets.ToDictionary(t => t, t => observed[t].Range(options.Calibration, options.Percentile), StringComparer.Ordinal);
        var c = CultureInfo.InvariantCulture;
        return Write(model, ranges, " Int8 QDQ (post-training static quantization by Distill).",
            $"int8 QDQ: activations uint8 per tensor ({options.Calibration.ToString().ToLowerInvariant()}{(options.Calibration == CalibrationMethod.Percentile ? " " + options.Percentile.ToString(c) : "")}, {Math.Min(options.CalibrationRows, calibration.shape[0]).ToString(c)} training rows), weights int8 per channel, biases int32");
    }

    /// <summary>
    /// The QDQ model of a model trained quantization-aware (<see cref="QuantizationAwareModel"/>): the
    /// activation ranges are the ones observed in training, so the file computes what training simulated.
    /// </summary>
    public static byte[] Quantize(byte[] floatModel, QuantizationRanges ranges, IProgress<string>? messages = null)
    {
        var model = ModelProto.Parser.ParseFrom(floatModel);
        var targets = Targets(model.Graph);
        messages?.Report($"Quantizing {targets.Count} activations on the ranges observed in quantization-aware training");
        return Write(model, targets.ToDictionary(t => t, ranges.Of, StringComparer.Ordinal), " Int8 QDQ (quantization-aware training by Distill).",
            $"int8 QDQ: activations uint8 per tensor (ranges observed in quantization-aware training, momentum {ranges.Momentum.ToString(CultureInfo.InvariantCulture)}), weights int8 per channel, biases int32");
    }

    /// <summary>
    /// What is quantized: the input and every value some operator other than the final Identity reads,
    /// except a residual sum that only a ReLU reads: the pair is quantized once, after the ReLU (PyTorch's
    /// add_relu; ONNX Runtime then runs the add as QLinearAdd, the ReLU being the clamp at zero point 0).
    /// </summary>
    internal static List<string> Targets(GraphProto graph)
    {
        var outputs = graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        var targets = new List<string> { graph.Input.Single().Name };
        foreach (var node in graph.Node)
            foreach (var output in node.Output)
            {
                var readers = graph.Node.Where(n => n.Input.Contains(output)).ToList();
                if (outputs.Contains(output) || readers.All(n => n.OpType == "Identity")) continue;
                if (node.OpType == "Add" && readers is [{ OpType: "Relu" }]) continue;
                targets.Add(output);
            }
        return targets;
    }

    private static byte[] Write(ModelProto model, Dictionary<string, (float Low, float High)> ranges, string note, string description)
    {
        var graph = model.Graph;
        var inputName = graph.Input.Single().Name;
        var initializers = graph.Initializer.ToDictionary(i => i.Name, StringComparer.Ordinal);
        var quantized = new GraphProto { Name = graph.Name, DocString = graph.DocString };
        quantized.Input.AddRange(graph.Input);
        quantized.Output.AddRange(graph.Output);
        var scales = new Dictionary<string, float>(StringComparer.Ordinal);
        var renamed = new Dictionary<string, string>(StringComparer.Ordinal);

        void QuantizeActivation(string name)
        {
            var (low, high) = ranges[name];
            var (scale, zero) = FakeQuantization.ActivationParameters(low, high);
            var zeroPoint = (byte)zero;
            scales[name] = scale;
            var scaleName = Add(quantized, $"{name}.scale", DataType.Float, [], MemoryMarshal.AsBytes(new[] { scale }.AsSpan()));
            var zeroName = Add(quantized, $"{name}.zero_point", DataType.Uint8, [], [zeroPoint]);
            var q = Node(quantized, "QuantizeLinear", $"{name}.quantized", [name, scaleName, zeroName]);
            renamed[name] = Node(quantized, "DequantizeLinear", $"{name}.dequantized", [q, scaleName, zeroName]);
        }

        QuantizeActivation(inputName);
        foreach (var node in graph.Node)
        {
            var copy = node.Clone();
            for (var i = 0; i < copy.Input.Count; i++)
                if (renamed.TryGetValue(copy.Input[i], out var name)) copy.Input[i] = name;
            if (node.OpType is "Conv" or "Gemm" && initializers.ContainsKey(node.Input[1]) && scales.TryGetValue(node.Input[0], out var inputScale))
            {
                var weightScales = QuantizeWeight(quantized, initializers[node.Input[1]], out var weight);
                copy.Input[1] = weight;
                if (node.Input.Count > 2 && initializers.TryGetValue(node.Input[2], out var bias))
                    copy.Input[2] = QuantizeBias(quantized, bias, [.. weightScales.Select(s => s * inputScale)]);
            }
            quantized.Node.Add(copy);
            foreach (var output in node.Output)
                if (ranges.ContainsKey(output)) QuantizeActivation(output);
        }
        // Float initializers still read (batch-norm parameters, GELU's constants) come along.
        var read = quantized.Node.SelectMany(n => n.Input).ToHashSet(StringComparer.Ordinal);
        foreach (var initializer in graph.Initializer)
            if (read.Contains(initializer.Name) && quantized.Initializer.All(i => i.Name != initializer.Name)) quantized.Initializer.Add(initializer);

        var result = model.Clone();
        result.Graph = quantized;
        result.DocString = model.DocString + note;
        result.MetadataProps.Add(new StringStringEntryProto { Key = "distill.quantization", Value = description });
        return result.ToByteArray();
    }

    /// <summary>Runs the float model with every target exposed as an output and records the values each takes.</summary>
    private static Dictionary<string, ActivationRange> Calibrate(ModelProto model, List<string> targets, Tensor calibration, QuantizationOptions options)
    {
        var probe = model.Clone();
        var existing = probe.Graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var target in targets.Where(t => !existing.Contains(t) && t != probe.Graph.Input[0].Name))
            probe.Graph.Output.Add(new ValueInfoProto { Name = target, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)DataType.Float } } });
        var ranges = targets.ToDictionary(t => t, _ => new ActivationRange(options.Calibration == CalibrationMethod.Percentile), StringComparer.Ordinal);
        using var session = new InferenceSession(probe.ToByteArray());
        using var runOptions = new RunOptions();
        var rows = Math.Min(options.CalibrationRows, calibration.shape[0]);
        var sampleShape = calibration.shape.Skip(1).ToArray();
        var outputNames = targets.Where(t => t != probe.Graph.Input[0].Name).ToList();
        for (long start = 0; start < rows; start += options.BatchSize)
        {
            var count = Math.Min(options.BatchSize, rows - start);
            using var batch = calibration.narrow(0, start, count).to(ScalarType.Float32).cpu().contiguous();
            var data = batch.data<float>().ToArray();
            ranges[probe.Graph.Input[0].Name].Add(data);
            using var input = OrtValue.CreateTensorValueFromMemory(data, [count, .. sampleShape]);
            using var values = session.Run(runOptions, [probe.Graph.Input[0].Name], [input], outputNames);
            for (var i = 0; i < outputNames.Count; i++) ranges[outputNames[i]].Add(values[i].GetTensorDataAsSpan<float>());
        }
        return ranges;
    }

    /// <summary>Stores a weight as int8 with one symmetric scale per output channel (axis 0) behind a DequantizeLinear.</summary>
    private static float[] QuantizeWeight(GraphProto graph, TensorProto weight, out string dequantized)
    {
        var values = Floats(weight);
        var channels = (int)weight.Dims[0];
        var perChannel = values.Length / channels;
        var scales = new float[channels];
        var quantized = new sbyte[values.Length];
        for (var c = 0; c < channels; c++)
        {
            var largest = 0f;
            for (var i = c * perChannel; i < (c + 1) * perChannel; i++) largest = Math.Max(largest, Math.Abs(values[i]));
            scales[c] = largest > 0 ? largest / 127f : 1f;
            for (var i = c * perChannel; i < (c + 1) * perChannel; i++)
                quantized[i] = (sbyte)Math.Clamp(Math.Round(values[i] / scales[c]), -127, 127);
        }
        var data = Add(graph, $"{weight.Name}.int8", DataType.Int8, weight.Dims, MemoryMarshal.AsBytes(quantized.AsSpan()));
        var scale = Add(graph, $"{weight.Name}.scale", DataType.Float, [channels], MemoryMarshal.AsBytes(scales.AsSpan()));
        var zero = Add(graph, $"{weight.Name}.zero_point", DataType.Int8, [channels], new byte[channels]);
        dequantized = Node(graph, "DequantizeLinear", $"{weight.Name}.dequantized", [data, scale, zero], OnnxGraph.Int("axis", 0));
        return scales;
    }

    /// <summary>Stores a bias as int32 on the given per-channel scales, as the integer kernels add it.</summary>
    private static string QuantizeBias(GraphProto graph, TensorProto bias, float[] scales)
    {
        var values = Floats(bias);
        var quantized = new int[values.Length];
        for (var c = 0; c < values.Length; c++) quantized[c] = (int)Math.Clamp(Math.Round(values[c] / scales[c]), int.MinValue, int.MaxValue);
        var data = Add(graph, $"{bias.Name}.int32", DataType.Int32, bias.Dims, MemoryMarshal.AsBytes(quantized.AsSpan()));
        var scale = Add(graph, $"{bias.Name}.scale", DataType.Float, [values.Length], MemoryMarshal.AsBytes(scales.AsSpan()));
        var zero = Add(graph, $"{bias.Name}.zero_point", DataType.Int32, [values.Length], new byte[values.Length * 4]);
        return Node(graph, "DequantizeLinear", $"{bias.Name}.dequantized", [data, scale, zero], OnnxGraph.Int("axis", 0));
    }

    private static string Add(GraphProto graph, string name, DataType type, IEnumerable<long> dims, ReadOnlySpan<byte> data)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)type, RawData = ByteString.CopyFrom(data) };
        tensor.Dims.AddRange(dims);
        graph.Initializer.Add(tensor);
        return name;
    }

    private static string Node(GraphProto graph, string op, string output, IEnumerable<string> inputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = output };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        graph.Node.Add(node);
        return output;
    }

    private static float[] Floats(TensorProto tensor) =>
        tensor.FloatData.Count > 0 ? [.. tensor.FloatData] : MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).ToArray();
}
