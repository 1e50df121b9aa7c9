using Google.Protobuf;
using Onnx;
using static TorchSharp.torch;

namespace Distill.Export;

/// <summary>
/// An ONNX graph under construction: nodes appended in order, initializers taken from tensors,
/// and fresh value names, so each layer's writer only says which operators it becomes.
/// </summary>
internal sealed class OnnxGraph
{
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    public GraphProto Proto { get; } = new() { Name = "distill" };

    /// <summary>A value name not used before, derived from <paramref name="hint"/>.</summary>
    public string Fresh(string hint)
    {
        var name = hint;
        for (var i = 1; !_names.Add(name); i++) name = $"{hint}_{i}";
        return name;
    }

    /// <summary>Appends a node of <paramref name="op"/>; returns the name of its single output.</summary>
    public string Node(string op, string output, IEnumerable<string> inputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = output };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        Proto.Node.Add(node);
        return output;
    }

    /// <summary>Stores <paramref name="tensor"/> (any float type, kept as float32) as an initializer called <paramref name="name"/>.</summary>
    public string Initializer(string name, Tensor tensor)
    {
        using var values = tensor.detach().to(ScalarType.Float32).cpu().contiguous();
        var data = values.data<float>().ToArray();
        return Initializer(name, values.shape, data);
    }

    public string Initializer(string name, long[] dims, float[] data)
    {
        var proto = new TensorProto { Name = Fresh(name), DataType = (int)TensorProto.Types.DataType.Float };
        proto.Dims.AddRange(dims);
        proto.RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.AsSpan()));
        Proto.Initializer.Add(proto);
        return proto.Name;
    }

    public string Scalar(string name, float value) => Initializer(name, [], [value]);

    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Float(string name, double value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = (float)value };

    public static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    /// <summary>A float32 value of shape <paramref name="dims"/> whose first dimension is the dynamic batch.</summary>
    public static ValueInfoProto BatchedFloat(string name, IEnumerable<long> dims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "batch" });
        foreach (var dim in dims) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = dim });
        var type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } };
        return new ValueInfoProto { Name = name, Type = type };
    }
}
