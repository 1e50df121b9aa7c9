using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace Distill.Export;

/// <summary>
/// Folds each BatchNormalization that directly follows a convolution (and is its only reader) into
/// that convolution: W' = W * s, b' = (b - mean) * s + beta with s = gamma / sqrt(var + eps), per
/// output channel. The file then holds the graph a runtime would run anyway (ONNX Runtime fuses the
/// same pairs), weight quantization sees the weights that are really used, and the pre-activation
/// batch norms that follow no convolution stay as they are.
/// </summary>
internal static class OnnxBatchNormFolding
{
    /// <summary>Folds the pairs; returns each folded convolution's output name and the norm's, whose name the folded node takes.</summary>
    public static IReadOnlyList<(string Convolution, string Norm)> Fold(GraphProto graph)
    {
        var folded = new List<(string, string)>();
        var initializers = graph.Initializer.ToDictionary(i => i.Name, StringComparer.Ordinal);
        var readers = graph.Node.SelectMany(n => n.Input).Concat(graph.Output.Select(o => o.Name))
            .GroupBy(n => n, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var producers = graph.Node.ToDictionary(n => n.Output[0], StringComparer.Ordinal);
        foreach (var norm in graph.Node.Where(n => n.OpType == "BatchNormalization").ToList())
        {
            if (!producers.TryGetValue(norm.Input[0], out var conv) || conv.OpType != "Conv" || readers[conv.Output[0]] != 1) continue;
            if (!norm.Input.Skip(1).All(i => initializers.ContainsKey(i) && readers[i] == 1) || !conv.Input.Skip(1).All(i => initializers.ContainsKey(i) && readers[i] == 1)) continue;
            var epsilon = norm.Attribute.FirstOrDefault(a => a.Name == "epsilon")?.F ?? 1e-5f;
            var (gamma, beta, mean, variance) = (Floats(initializers[norm.Input[1]]), Floats(initializers[norm.Input[2]]), Floats(initializers[norm.Input[3]]), Floats(initializers[norm.Input[4]]));
            var weight = initializers[conv.Input[1]];
            var values = Floats(weight);
            var perChannel = values.Length / gamma.Length;
            var bias = conv.Input.Count > 2 ? Floats(initializers[conv.Input[2]]) : new float[gamma.Length];
            for (var c = 0; c < gamma.Length; c++)
            {
                var scale = gamma[c] / MathF.Sqrt(variance[c] + epsilon);
                for (var i = c * perChannel; i < (c + 1) * perChannel; i++) values[i] *= scale;
                bias[c] = (bias[c] - mean[c]) * scale + beta[c];
            }
            weight.RawData = Bytes(values);
            if (conv.Input.Count > 2) initializers[conv.Input[2]].RawData = Bytes(bias);
            else
            {
                var biasName = norm.Input[2];
                initializers[biasName].RawData = Bytes(bias);
                conv.Input.Add(biasName);
                readers[biasName] = 1;
            }
            folded.Add((conv.Output[0], norm.Output[0]));
            conv.Output[0] = norm.Output[0];
            conv.Name = norm.Name;
            graph.Node.Remove(norm);
            foreach (var input in norm.Input.Skip(1).Where(i => i != conv.Input.Last()))
                if (--readers[input] == 0) graph.Initializer.Remove(initializers[input]);
        }
        return folded;
    }

    private static float[] Floats(TensorProto tensor) =>
        tensor.FloatData.Count > 0 ? [.. tensor.FloatData] : MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).ToArray();

    private static ByteString Bytes(float[] values) => ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan()));
}
