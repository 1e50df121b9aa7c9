using Distill.Export;
using Distill.Models.Zoo;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distill.Quantization;

/// <summary>
/// Where quantization-aware training fake-quantises, read from the float graph the ONNX exporter writes
/// for the model (batch norms folded), so the simulation and the int8 file quantize the same values:
/// every value <see cref="OnnxQuantizer"/> quantizes is the output of one module (a layer, or a residual
/// block for its sum and ReLU), and every dense layer or convolution whose input is quantized gets
/// per-channel int8 weights (folded with its batch norm where the exporter folds). A quantized value that
/// no module returns cannot be simulated, and the model is refused.
/// </summary>
internal sealed class QuantizationPlan
{
    /// <summary>What one module's forward hook does.</summary>
    /// <param name="Input">For a dense layer or convolution: the quantized value it reads (its bias sits on that scale times the weight's); null: its product stays float.</param>
    /// <param name="Norm">The batch norm folded into this convolution.</param>
    /// <param name="Outputs">The value names its output is quantized as, in order (a global average pool: the pool, then the flattened copy).</param>
    public sealed record Step(string? Input, BatchNorm2d? Norm, IReadOnlyList<string> Outputs);

    private QuantizationPlan(IReadOnlyList<string> values, IReadOnlyList<string> inputs, Dictionary<nn.Module, Step> steps) =>
        (Values, Inputs, _steps) = (values, inputs, steps);

    private readonly Dictionary<nn.Module, Step> _steps;

    /// <summary>Every quantized value, in graph order.</summary>
    public IReadOnlyList<string> Values { get; }

    /// <summary>The values the model's input is quantized as (<c>input</c>; a torchvision model's repeated gray channel too).</summary>
    public IReadOnlyList<string> Inputs { get; }

    public Step? Of(nn.Module module) => _steps.GetValueOrDefault(module);

    public static QuantizationPlan For(nn.Module<Tensor, Tensor> model, IReadOnlyList<long> sampleShape)
    {
        Onnx.GraphProto graph;
        IReadOnlyList<(string Convolution, string Norm)> folded;
        try
        {
            (graph, folded) = OnnxExporter.FloatGraph(model, sampleShape, !OnnxModelWalker.Knows(model), $"module:{model.GetType().FullName}");
        }
        catch (DistillException e)
        {
            throw new DistillException($"Quantization-aware training simulates the model's int8 ONNX file, so it needs a model ONNX export can write: {e.Message}");
        }
        var values = OnnxQuantizer.Targets(graph);
        var quantized = values.ToHashSet(StringComparer.Ordinal);
        var modules = model.named_modules().Where(m => m.name.Length > 0).ToDictionary(m => m.name, m => m.module, StringComparer.Ordinal);
        var normOf = folded.Where(f => modules.GetValueOrDefault(f.Norm) is BatchNorm2d)
            .ToDictionary(f => f.Convolution, f => (BatchNorm2d)modules[f.Norm], StringComparer.Ordinal);
        var convolutionOf = folded.ToDictionary(f => f.Norm, f => f.Convolution, StringComparer.Ordinal);
        // The value each dense layer or convolution reads, by the module path its node stands for.
        var reads = graph.Node.Where(n => n.OpType is "Conv" or "Gemm")
            .ToDictionary(n => convolutionOf.GetValueOrDefault(n.Output[0], n.Output[0]), n => n.Input[0], StringComparer.Ordinal);

        var steps = new Dictionary<nn.Module, Step>(ReferenceEqualityComparer.Instance);
        foreach (var (path, module) in modules)
        {
            var input = QuantizedLayers.Computes(module) && reads.TryGetValue(path, out var read) && quantized.Contains(read) ? read : null;
            var outputs = Candidates(path, module).Where(quantized.Contains).ToList();
            if (input is not null || outputs.Count > 0) steps[module] = new Step(input, input is null ? null : normOf.GetValueOrDefault(path), outputs);
        }
        var inputs = new[] { OnnxExporter.InputName, OnnxExporter.RgbName }.Where(quantized.Contains).ToList();
        var covered = steps.Values.SelectMany(s => s.Outputs).Concat(inputs).ToHashSet(StringComparer.Ordinal);
        if (values.FirstOrDefault(v => !covered.Contains(v)) is { } missing)
            throw new DistillException($"Quantization-aware training cannot quantize '{missing}', a value the int8 file quantizes that no layer of the model returns (GELU is written as several operators); train the model in float32 and quantize it with export --int8.");
        return new QuantizationPlan(values, inputs, steps);
    }

    /// <summary>The names the exporter gives a module's output (see <see cref="OnnxModelWalker"/>).</summary>
    private static IEnumerable<string> Candidates(string path, nn.Module module) => module switch
    {
        GlobalAveragePool => [$"{path}.pool", path],
        BasicBlock => [$"{path}.relu"],
        WideBasicBlock => [$"{path}.add"],
        _ when OnnxModelWalker.IsTorchVisionBlock(module) => [$"{path}.relu"],
        _ => [path],
    };
}
