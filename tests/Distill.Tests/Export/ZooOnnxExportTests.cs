using Distill.Export;
using Distill.Models;
using Distill.Tests.Support;
using static TorchSharp.torch;

namespace Distill.Tests.Export;

public sealed class ZooOnnxExportTests
{
    // Every zoo architecture, with shapes that take each one's branches: projection shortcuts,
    // identity residuals, depthwise convolutions, VGG's fourth pooling (64 pixels), valid padding.
    public static TheoryData<string, long[]> Specs => new()
    {
        { "resnet:8", [3, 16, 16] },
        { "resnet:14x4", [1, 12, 12] },
        { "wrn:10-2", [3, 16, 16] },
        { "wrn:16-1", [3, 8, 8] },
        { "vgg:8", [3, 16, 16] },
        { "vgg:11", [1, 64, 64] },
        { "mobilenetv2:0.25", [3, 16, 16] },
        { "plaincnn:2", [1, 12, 12] },
        { "plaincnn:8", [3, 16, 16] },
        { "vgglike:same", [1, 28, 28] },
        { "vgglike", [1, 156, 156] },
    };

    [Theory]
    [MemberData(nameof(Specs))]
    public void Onnx_runtime_computes_the_same_logits_as_torchsharp_for_batches_of_1_and_5(string spec, long[] inputShape)
    {
        using var model = Trained(spec, inputShape);
        var bytes = OnnxExporter.Export(model, Card(spec, inputShape));
        OnnxRun.AssertSameLogits(model, bytes, inputShape, [1, 5], 3, spec);
    }

    [Fact]
    public void Batch_norms_after_convolutions_are_folded_and_the_pre_activation_ones_stay()
    {
        using var resnet = Trained("resnet:8", [3, 16, 16]);
        var folded = OnnxExporter.Build(resnet, Card("resnet:8", [3, 16, 16])).Graph;
        Assert.DoesNotContain(folded.Node, n => n.OpType == "BatchNormalization");
        Assert.Equal(3, folded.Node.Count(n => n.OpType == "Add"));
        Assert.Equal(resnet.modules().Count(m => m is TorchSharp.Modules.Conv2d), folded.Node.Count(n => n.OpType == "Conv"));

        // WRN blocks start with bn-relu on a residual sum (or on the stem, which the sum reads too): nothing to fold into.
        using var wide = Trained("wrn:10-1", [3, 8, 8]);
        var graph = OnnxExporter.Build(wide, Card("wrn:10-1", [3, 8, 8])).Graph;
        Assert.Equal(4, graph.Node.Count(n => n.OpType == "BatchNormalization"));
    }

    [Fact]
    public void Mobilenet_exports_its_depthwise_convolutions_as_grouped_convs()
    {
        using var model = Trained("mobilenetv2:0.25", [3, 16, 16]);
        var graph = OnnxExporter.Build(model, Card("mobilenetv2:0.25", [3, 16, 16])).Graph;
        var grouped = graph.Node.Where(n => n.OpType == "Conv" && n.Attribute.Single(a => a.Name == "group").I > 1).ToList();
        Assert.Equal(17, grouped.Count);
        Assert.Equal(10, graph.Node.Count(n => n.OpType == "Add"));
    }

    [Fact]
    public void A_layer_the_exporter_does_not_know_is_named_by_its_path_or_as_the_model()
    {
        using var chain = nn.Sequential(("stem", nn.Conv2d(1, 2, 3)), ("act", nn.Softplus()));
        var inner = Assert.Throws<DistillException>(() => OnnxExporter.Export(chain, Card("custom", [1, 8, 8])));
        Assert.StartsWith("ONNX export does not know the layer 'act' (Softplus)", inner.Message);
        using var bare = nn.Softplus();
        var root = Assert.Throws<DistillException>(() => OnnxExporter.Export(bare, Card("custom", [1, 8, 8])));
        Assert.StartsWith("ONNX export does not know the layer 'model' (Softplus)", root.Message);
    }

    [PythonOnnxFact]
    public void The_reference_onnx_checker_accepts_every_zoo_architecture()
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

    /// <summary>Random weights, and batch-norm statistics and affine parameters away from their defaults.</summary>
    private static nn.Module<Tensor, Tensor> Trained(string spec, long[] inputShape)
    {
        manual_seed(7);
        var model = ModelBuilder.Build(ModelSpec.Parse(spec), inputShape, 10);
        using (no_grad())
        {
            foreach (var module in model.modules().OfType<TorchSharp.Modules.BatchNorm2d>())
            {
                module.weight!.uniform_(0.5, 1.5);
                module.bias!.uniform_(-0.2, 0.2);
            }
            for (var i = 0; i < 3; i++)
            {
                using var batch = randn([8, .. inputShape]) * 2 + 0.5;
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

    private static ModelCard Card(string spec, long[] inputShape) => new(spec, inputShape, 10, 0, "cifar10", "student");
}
