using System.Globalization;
using Distill.Data;
using Distill.Models;
using Distill.Runs;
using Google.Protobuf;
using Onnx;
using static TorchSharp.torch;

namespace Distill.Export;

/// <summary>
/// Writes a Distill model as an ONNX file (opset 13): one graph input "input" of shape
/// [batch, ...input shape] with a dynamic batch, one output "logits" [batch, classes], the weights
/// as initializers, and the model card and the input normalisation in the metadata. The model is
/// walked along its forward pass (<see cref="OnnxModelWalker"/>), so every zoo network and any model
/// of Distill's layer kinds exports; batch norms that follow a convolution are folded into it.
/// </summary>
public static class OnnxExporter
{
    public const int Opset = 13;
    public const string InputName = "input";
    public const string OutputName = "logits";

    // IR version 7 is the one ONNX 1.7-1.9 wrote for opset 13; every runtime that reads opset 13 reads it.
    private const long IrVersion = 7;

    /// <summary>Writes <paramref name="model"/> to <paramref name="path"/> (atomically).</summary>
    public static void Save(nn.Module<Tensor, Tensor> model, ModelCard card, string path) =>
        AtomicFile.WriteAllBytes(path, Export(model, card));

    /// <summary>The ONNX file of <paramref name="model"/> as bytes.</summary>
    public static byte[] Export(nn.Module<Tensor, Tensor> model, ModelCard card) => Build(model, card).ToByteArray();

    internal static ModelProto Build(nn.Module<Tensor, Tensor> model, ModelCard card)
    {
        var (graph, _) = FloatGraph(model, card.InputShape, card.ModuleType is not null, card.Spec);
        graph.Output.Add(OnnxGraph.BatchedFloat(OutputName, [card.ClassCount]));

        var proto = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "Distill",
            ProducerVersion = typeof(OnnxExporter).Assembly.GetName().Version?.ToString() ?? "",
            DocString = $"Distill model {card.Spec}: {card.Role} trained on {card.Dataset}.",
            Graph = graph,
        };
        proto.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        foreach (var (key, value) in Metadata(card)) proto.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        return proto;
    }

    /// <summary>
    /// The float graph of <paramref name="model"/>, batch norms folded, with its input declared (the output
    /// is the caller's to declare): what export writes, and what quantization-aware training simulates.
    /// Also returns the folded pairs: each convolution's value name and its batch norm's.
    /// </summary>
    /// <param name="userModule">A module of the user's own: its children are exported one after another, and checked.</param>
    internal static (GraphProto Graph, IReadOnlyList<(string Convolution, string Norm)> Folded) FloatGraph(nn.Module<Tensor, Tensor> model, IReadOnlyList<long> inputShape, bool userModule, string spec)
    {
        var graph = new OnnxGraph();
        graph.Fresh(InputName);
        var wasTraining = model.training;
        model.eval();
        // A quantization-aware model is written in float; the QDQ pairs come after (OnnxQuantizer).
        using var inFloat = Quantization.QuantizationAwareModel.Of(model)?.Float();
        try
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var walker = new OnnxModelWalker(graph);
            var device = model.parameters().FirstOrDefault()?.device;
            var input = new OnnxModelWalker.Value(InputName, zeros([1, .. inputShape], device: device));
            // torchvision models repeat a gray channel into three in a pre-hook the walker cannot see.
            if (Models.TorchVision.TorchVisionModels.RepeatsChannels(model) && inputShape[0] == 1)
                input = new(graph.Node("Concat", graph.Fresh(RgbName), [InputName, InputName, InputName], OnnxGraph.Int("axis", 1)), input.Probe.expand(-1, 3, -1, -1));
            var output = userModule ? UserModule(walker, model, spec, input) : walker.Walk(model, "", input);
            graph.Node("Identity", graph.Fresh(OutputName), [output.Name]);
        }
        finally
        {
            model.train(wasTraining);
        }
        var folded = OnnxBatchNormFolding.Fold(graph.Proto);
        graph.Proto.Input.Add(OnnxGraph.BatchedFloat(InputName, inputShape));
        return (graph.Proto, folded);
    }

    /// <summary>The value a torchvision model reads from a one-channel input: the channel three times.</summary>
    public const string RgbName = "input.rgb";

    /// <summary>
    /// A module of the user's own, whose forward pass the exporter cannot read: its children are
    /// exported one after another, and that is accepted only when it computes what the module does
    /// on a random input (a forward that does more than chain its children is refused in one sentence).
    /// </summary>
    private static OnnxModelWalker.Value UserModule(OnnxModelWalker walker, nn.Module<Tensor, Tensor> model, string spec, OnnxModelWalker.Value input)
    {
        var probe = randn(input.Probe.shape, generator: new Generator(1)).to(input.Probe.device);
        using var expected = model.call(probe);
        var output = walker.WalkChildren(model, input with { Probe = probe });
        if (!output.Probe.shape.SequenceEqual(expected.shape) || !output.Probe.allclose(expected, rtol: 1e-4, atol: 1e-5))
            throw new DistillException(
                $"ONNX export runs the children of {spec} one after another, which does not compute what its forward does; export a module whose forward chains its children in the order it registers them.");
        return output;
    }

    /// <summary>
    /// What a caller needs to feed the model: its spec and classes, the input shape, and how raw
    /// pixels become inputs (the data set's standardisation, when Distill knows the data set).
    /// </summary>
    public static IReadOnlyList<(string Key, string Value)> Metadata(ModelCard card)
    {
        var c = CultureInfo.InvariantCulture;
        var entries = new List<(string, string)>
        {
            ("distill.spec", card.Spec),
            ("distill.classes", card.ClassCount.ToString(c)),
            ("distill.input_shape", string.Join("x", card.InputShape)),
            ("distill.dataset", card.Dataset),
            ("distill.role", card.Role),
        };
        var info = DatasetInfo.All.FirstOrDefault(d => string.Equals(d.Name, card.Dataset, StringComparison.OrdinalIgnoreCase));
        if (info is not null)
        {
            entries.Add(("distill.class_names", string.Join(",", info.ClassNames)));
            entries.Add(("distill.pixel_mean", info.PixelMean.ToString("R", c)));
            entries.Add(("distill.pixel_std", info.PixelStd.ToString("R", c)));
            entries.Add(("distill.normalization", $"input = (pixel / 255 - {info.PixelMean.ToString("R", c)}) / {info.PixelStd.ToString("R", c)}"));
        }
        return entries;
    }
}
