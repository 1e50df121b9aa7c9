using System.IO.Compression;
using System.Text;
using Google.Protobuf;
using Onnx;

namespace Distill.Tests.Support;

/// <summary>
/// Teacher files a hostile or mistaken user hands Distill, made here from the golden teachers or from
/// nothing, so no test needs Python: TorchScript whose code does not compile or never returns, a
/// torch.save state_dict, and an ONNX graph that loops 2^62 times.
/// </summary>
public static class HostileTeacherFiles
{
    /// <summary>
    /// The golden MLP's TorchScript with the ReLU's forward body replaced by <paramref name="body"/>
    /// (lines indented by four spaces, reading <c>argument_1</c> and returning a tensor).
    /// </summary>
    public static string TorchScriptWithReluBody(string path, string body)
    {
        const string original = "    return torch.relu(argument_1)\n";
        using (var source = ZipFile.OpenRead(GoldenTeachers.File("mlp", "pt")))
        using (var target = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            foreach (var entry in source.Entries)
            {
                using var input = entry.Open();
                using var buffer = new MemoryStream();
                input.CopyTo(buffer);
                var bytes = buffer.ToArray();
                if (entry.FullName.EndsWith("/code/__torch__/torch/nn/modules/activation.py", StringComparison.Ordinal))
                {
                    var code = Encoding.UTF8.GetString(bytes);
                    if (!code.Contains(original, StringComparison.Ordinal)) throw new InvalidOperationException("The golden MLP's ReLU code changed.");
                    bytes = Encoding.UTF8.GetBytes(code.Replace(original, body));
                }
                var copy = target.CreateEntry(entry.FullName, CompressionLevel.NoCompression);
                using var output = copy.Open();
                output.Write(bytes);
            }
        }
        return path;
    }

    /// <summary>A zip laid out as torch.save writes a state_dict: archive/data.pkl, archive/data/0, archive/version; no code.</summary>
    public static string StateDict(string path)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        // A pickled {"weight": tensor} as torch.save writes it; only the layout matters to Distill.
        Write(zip, "archive/data.pkl", [0x80, 0x02, 0x7d, 0x71, 0x00, 0x58, 0x06, 0x00, 0x00, 0x00, .. "weight"u8, 0x4e, 0x73, 0x2e]);
        Write(zip, "archive/byteorder", "little"u8.ToArray());
        Write(zip, "archive/data/0", new byte[40]);
        Write(zip, "archive/version", "3\n"u8.ToArray());
        return path;
    }

    /// <summary>
    /// A valid 10-class classifier of 1x12x12 images whose logits pass through a Loop of 2^62
    /// iterations that only carries them: small, well-formed, and never finishing.
    /// </summary>
    public static string EndlessOnnx(string path)
    {
        var graph = new GraphProto { Name = "endless" };
        graph.Input.Add(Float("input", "batch", 1, 12, 12));
        graph.Output.Add(Float("logits", "batch", 10));
        var weights = new TensorProto { Name = "weights", DataType = (int)TensorProto.Types.DataType.Float };
        weights.Dims.AddRange([144, 10]);
        weights.FloatData.AddRange(Enumerable.Range(0, 1440).Select(i => (i % 7) / 100f));
        graph.Initializer.Add(weights);
        var trips = new TensorProto { Name = "trips", DataType = (int)TensorProto.Types.DataType.Int64 };
        trips.Int64Data.Add(1L << 62);
        graph.Initializer.Add(trips);
        var always = new TensorProto { Name = "always", DataType = (int)TensorProto.Types.DataType.Bool };
        always.Int32Data.Add(1);
        graph.Initializer.Add(always);
        graph.Node.Add(Node("Flatten", ["input"], ["flat"], new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = 1 }));
        graph.Node.Add(Node("MatMul", ["flat", "weights"], ["scores"]));

        var body = new GraphProto { Name = "carry" };
        body.Input.Add(Scalar("iteration", TensorProto.Types.DataType.Int64));
        body.Input.Add(Scalar("condition", TensorProto.Types.DataType.Bool));
        body.Input.Add(Float("carried", "batch", 10));
        body.Output.Add(Scalar("condition_out", TensorProto.Types.DataType.Bool));
        body.Output.Add(Float("carried_out", "batch", 10));
        body.Node.Add(Node("Identity", ["condition"], ["condition_out"]));
        body.Node.Add(Node("Identity", ["carried"], ["carried_out"]));
        graph.Node.Add(Node("Loop", ["trips", "always", "scores"], ["logits"],
            new AttributeProto { Name = "body", Type = AttributeProto.Types.AttributeType.Graph, G = body }));

        var model = new ModelProto { IrVersion = 8, ProducerName = "distill-tests", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        File.WriteAllBytes(path, model.ToByteArray());
        return path;
    }

    private static void Write(ZipArchive zip, string name, byte[] bytes)
    {
        using var stream = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
        stream.Write(bytes);
    }

    private static NodeProto Node(string op, string[] inputs, string[] outputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = outputs[0] };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        return node;
    }

    private static ValueInfoProto Float(string name, string batch, params long[] dims) =>
        Value(name, TensorProto.Types.DataType.Float, [new TensorShapeProto.Types.Dimension { DimParam = batch }, .. dims.Select(d => new TensorShapeProto.Types.Dimension { DimValue = d })]);

    private static ValueInfoProto Scalar(string name, TensorProto.Types.DataType type) => Value(name, type, []);

    private static ValueInfoProto Value(string name, TensorProto.Types.DataType type, TensorShapeProto.Types.Dimension[] dims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.AddRange(dims);
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } } };
    }
}
