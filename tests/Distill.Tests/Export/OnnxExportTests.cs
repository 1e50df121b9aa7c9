using Distill.Export;
using Distill.Models;
using Distill.Tests.Support;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distill.Tests.Export;

public sealed class OnnxExportTests
{
    // Between them these specs hold every layer kind the exporter knows, odd "same" paddings included.
    public static TheoryData<string, long[]> Specs => new()
    {
        { "mlp:32-16,dropout=0.2,input-dropout=0.1", [1, 12, 12] },
        { "mlp:24-12,activation=gelu", [1, 12, 12] },
        { "mlp:20,activation=tanh", [3, 5, 7] },
        { "cnn:c8-bn-relu-mp2-c16s2-lrelu0.2-drop0.1-c6k5-tanh-gap-fc16-gelu", [1, 12, 12] },
        { "cnn:c4k3s2-relu-mp3s2-c8-gelu-fc16-bn-relu", [3, 11, 9] },
    };

    [Theory]
    [MemberData(nameof(Specs))]
    public void Onnx_runtime_computes_the_same_logits_as_torchsharp_for_batches_of_1_and_7(string spec, long[] inputShape)
    {
        using var model = Trained(spec, inputShape);
        var bytes = OnnxExporter.Export(model, Card(spec, inputShape));
        OnnxRun.AssertSameLogits(model, bytes, inputShape, [1, 7], 11, spec);
    }

    [Fact]
    public void The_file_names_its_input_and_output_and_carries_the_model_card_and_normalisation()
    {
        const string spec = "cnn:c4-relu-gap";
        using var model = Trained(spec, [1, 12, 12]);
        var proto = OnnxExporter.Build(model, Card(spec, [1, 12, 12]));
        Assert.Equal("input", Assert.Single(proto.Graph.Input).Name);
        Assert.Equal("logits", Assert.Single(proto.Graph.Output).Name);
        Assert.Equal(13, Assert.Single(proto.OpsetImport).Version);
        Assert.Equal("batch", proto.Graph.Input[0].Type.TensorType.Shape.Dim[0].DimParam);
        var metadata = proto.MetadataProps.ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal(spec, metadata["distill.spec"]);
        Assert.Equal("10", metadata["distill.classes"]);
        Assert.Equal("1x12x12", metadata["distill.input_shape"]);
        Assert.Equal("input = (pixel / 255 - 0.1307) / 0.3081", metadata["distill.normalization"]);
        Assert.Equal("0,1,2,3,4,5,6,7,8,9", metadata["distill.class_names"]);
        Assert.Contains("conv1.conv.weight", proto.Graph.Initializer.Select(i => i.Name));
    }

    [PythonOnnxFact]
    public void The_reference_onnx_checker_accepts_exported_mlp_and_cnn()
    {
        using var folder = new TemporaryFolder();
        foreach (var (spec, shape) in Specs.Select(row => ((string)row[0], (long[])row[1])))
        {
            using var model = Trained(spec, shape);
            var path = folder.File("model.onnx");
            OnnxExporter.Save(model, Card(spec, shape), path);
            var (code, errors) = Python.Run("import onnx, sys; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True)", path);
            Assert.True(code == 0, $"{spec}: {errors}");
        }
    }

    /// <summary>A model with random weights whose batch norms have seen data, so their statistics are not the defaults.</summary>
    private static nn.Module<Tensor, Tensor> Trained(string spec, long[] inputShape)
    {
        manual_seed(5);
        var model = ModelBuilder.Build(ModelSpec.Parse(spec), inputShape, 10);
        using (no_grad())
        {
            for (var i = 0; i < 3; i++)
            {
                using var batch = randn([16, .. inputShape]) * 2 + 0.5;
                model.call(batch).Dispose();
            }
        }
        model.eval();
        return model;
    }

    private static Tensor Logits(nn.Module<Tensor, Tensor> model, Tensor inputs)
    {
        using var noGrad = no_grad();
        return model.call(inputs);
    }

    private static ModelCard Card(string spec, long[] inputShape) => new(spec, inputShape, 10, 0, "mnist", "distilled");
}
