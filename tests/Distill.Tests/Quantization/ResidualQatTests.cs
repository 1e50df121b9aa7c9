using Distill.Export;
using Distill.Models;
using Distill.Models.Zoo;
using Distill.Quantization;
using Distill.Tests.Support;
using Distill.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distill.Tests.Quantization;

/// <summary>Quantization-aware training of residual and globally pooled models, torchvision's and the user's own: the int8 file computes what training simulated.</summary>
public sealed class ResidualQatTests
{
    [Theory]
    [InlineData("resnet:8", 0.6)]
    [InlineData("wrn:10-1", 0.6)]
    // Two convolutions then global pooling keep little of where the synthetic patterns lie: only the agreement is asked of it.
    [InlineData("cnn:c8-bn-relu-c8-relu-gap", 0.0)]
    public void ONNX_Runtime_predicts_what_the_quantization_aware_residual_student_simulated(string spec, double minimumAccuracy)
    {
        var agreement = TrainAndCompare(spec, () => ModelBuilder.Build(ModelSpec.Parse(spec), [1, 12, 12], 5), 384, 3, out var accuracy);

        Assert.True(agreement >= 0.99, $"{spec}: TorchSharp's simulation and ONNX Runtime agree on {agreement:P1} of the rows");
        Assert.True(accuracy >= minimumAccuracy, $"{spec}: the int8 file is right on {accuracy:P1} of the rows");
    }

    [Fact]
    public void ONNX_Runtime_predicts_what_a_quantization_aware_torchvision_resnet18_on_gray_images_simulated()
    {
        // One epoch of 16 steps (11 million parameters on a 2-core machine): the agreement, not the accuracy, is the point;
        // a nearly untrained network (2 steps) has near-ties in its logits that int8 rounding flips (96.5 % agreement).
        var agreement = TrainAndCompare("torchvision:resnet18", () => ModelBuilder.Build(ModelSpec.Parse("torchvision:resnet18"), [1, 12, 12], 5), 512, 1, out _);

        Assert.True(agreement >= 0.99, $"TorchSharp's simulation and ONNX Runtime agree on {agreement:P1} of the rows");
    }

    [Fact]
    public void A_torchvision_resnet18_on_gray_images_exports_to_ONNX_with_TorchSharps_logits()
    {
        manual_seed(5);
        using var model = ModelBuilder.Build(ModelSpec.Parse("torchvision:resnet18"), [1, 16, 16], 4);
        var card = new ModelCard("torchvision:resnet18", [1, 16, 16], 4, ModelBuilder.CountParameters(model), "synthetic", "student");
        model.eval();
        using var inputs = randn(8, 1, 16, 16);
        using var noGrad = no_grad();
        using var expected = model.call(inputs);
        using var actual = OnnxRun.Logits(OnnxExporter.Export(model, card), inputs);
        Assert.True(expected.allclose(actual, rtol: 1e-4, atol: 1e-4), $"largest difference {(expected - actual).abs().max().item<float>()}");
    }

    [Fact]
    public void A_users_module_with_a_residual_block_and_adaptive_average_pooling_trains_quantization_aware()
    {
        var agreement = TrainAndCompare("module:" + typeof(PooledResidualNet).FullName, () => new PooledResidualNet(), 384, 3, out var accuracy);

        Assert.True(agreement >= 0.99, $"TorchSharp's simulation and ONNX Runtime agree on {agreement:P1} of the rows");
        Assert.True(accuracy > 0.6, $"the int8 file is right on {accuracy:P1} of the rows");
    }

    [Fact]
    public void A_users_module_that_adds_in_its_own_forward_is_refused_in_one_sentence()
    {
        using var model = new SkipInForward();
        var error = Assert.Throws<DistillException>(() => QuantizationAwareModel.Prepare(model, sampleShape: [1, 12, 12]));
        Assert.Equal($"Quantization-aware training simulates the model's int8 ONNX file, so it needs a model ONNX export can write: ONNX export runs the children of module:{typeof(SkipInForward).FullName} one after another, which does not compute what its forward does; export a module whose forward chains its children in the order it registers them.", error.Message);
        Assert.Null(QuantizationAwareModel.Of(model));
    }

    [Fact]
    public void The_residual_sum_is_quantized_once_after_its_ReLU_and_every_block_output_has_a_range()
    {
        using var model = ModelBuilder.Build(ModelSpec.Parse("resnet:8"), [3, 12, 12], 5);
        var ranges = Train(model, "resnet:8", [3, 12, 12], 64, 1);

        Assert.Contains("layer1.0.relu", ranges.Activations.Keys);
        Assert.Contains("layer1.0.relu1", ranges.Activations.Keys);
        Assert.Contains("pool.pool", ranges.Activations.Keys);
        Assert.DoesNotContain("layer1.0.add", ranges.Activations.Keys);
        Assert.DoesNotContain("layer1.0.conv1", ranges.Activations.Keys);
        var card = new ModelCard("resnet:8", [3, 12, 12], 5, ModelBuilder.CountParameters(model), "synthetic", "student");
        var int8 = Onnx.ModelProto.Parser.ParseFrom(OnnxQuantizer.Quantize(OnnxExporter.Export(model, card), ranges));
        var quantized = int8.Graph.Node.Where(n => n.OpType == "QuantizeLinear").Select(n => n.Input[0]).ToHashSet();
        Assert.Equal(ranges.Activations.Keys.Order(), quantized.Order());
    }

    private static float TrainAndCompare(string spec, Func<nn.Module<Tensor, Tensor>> build, int rows, int epochs, out float accuracy)
    {
        using var test = SyntheticPatterns.Make("test", 200, [1, 12, 12], 5, 1.2, 2);
        manual_seed(2);
        using var model = build();
        var ranges = Train(model, spec, [1, 12, 12], rows, epochs);
        var card = new ModelCard(spec, [1, 12, 12], 5, ModelBuilder.CountParameters(model), "synthetic", "student")
        {
            ModuleType = spec.StartsWith("module:", StringComparison.Ordinal) ? model.GetType().AssemblyQualifiedName : null,
        };
        var int8 = OnnxQuantizer.Quantize(OnnxExporter.Export(model, card), ranges);

        model.eval();
        using var noGrad = no_grad();
        using var simulated = model.call(test.Features);
        using var onnx = OnnxRun.Logits(int8, test.Features);
        accuracy = onnx.argmax(1).eq(test.Labels).to(ScalarType.Float32).mean().item<float>();
        return simulated.argmax(1).eq(onnx.argmax(1)).to(ScalarType.Float32).mean().item<float>();
    }

    private static QuantizationRanges Train(nn.Module<Tensor, Tensor> model, string spec, long[] shape, int rows, int epochs)
    {
        using var folder = new TemporaryFolder();
        using var train = SyntheticPatterns.Make("train", rows, shape, 5, 1.2, 1);
        var card = new ModelCard(spec, shape, 5, ModelBuilder.CountParameters(model), "synthetic", "student");
        new Trainer(new TrainingOptions { Epochs = epochs, BatchSize = 32, QuantizationAware = true })
            .Train("student", model, train, train, new SupervisedObjective(), card, folder.Path);
        return ModelStore.ReadCard(Path.Combine(folder.Path, "best.bin")).QuantizationAware!;
    }
}

/// <summary>A user's module built from Distill's residual block and adaptive average pooling, its children chained in order.</summary>
public sealed class PooledResidualNet : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d stem = nn.Conv2d(1, 8, 3, padding: 1, bias: false);
    private readonly BatchNorm2d norm = nn.BatchNorm2d(8);
    private readonly ReLU act = nn.ReLU();
    private readonly BasicBlock block = new(8, 8, 1, null);
    private readonly BasicBlock down = new(8, 16, 2, null);
    private readonly AdaptiveAvgPool2d pool = nn.AdaptiveAvgPool2d(1);
    private readonly Flatten flatten = nn.Flatten();
    private readonly Linear head = nn.Linear(16, 5);

    public PooledResidualNet() : base(nameof(PooledResidualNet)) => RegisterComponents();

    public override Tensor forward(Tensor input) =>
        head.call(flatten.call(pool.call(down.call(block.call(act.call(norm.call(stem.call(input))))))));
}

/// <summary>A user's module whose forward adds its input back itself: the exporter cannot write it.</summary>
public sealed class SkipInForward : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv = nn.Conv2d(1, 1, 3, padding: 1);
    private readonly Flatten flatten = nn.Flatten();
    private readonly Linear head = nn.Linear(144, 5);

    public SkipInForward() : base(nameof(SkipInForward)) => RegisterComponents();

    public override Tensor forward(Tensor input) => head.call(flatten.call(conv.call(input) + input));
}
