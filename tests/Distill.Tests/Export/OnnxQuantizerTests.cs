using Distill.Evaluation;
using Distill.Export;
using Distill.Models;
using Distill.Tests.Support;
using Distill.Training;
using Onnx;
using static TorchSharp.torch;

namespace Distill.Tests.Export;

public sealed class OnnxQuantizerTests
{
    [Theory]
    [InlineData("cnn:c8-bn-relu-mp2-c16-relu-fc16-relu", CalibrationMethod.MinMax)]
    [InlineData("mlp:64-32", CalibrationMethod.Percentile)]
    public void The_int8_model_of_a_trained_student_keeps_its_accuracy_in_under_half_the_bytes(string spec, CalibrationMethod method)
    {
        using var train = SyntheticPatterns.Make("train", 1024, [1, 10, 10], 5, 1.2, 1);
        using var test = SyntheticPatterns.Make("test", 1000, [1, 10, 10], 5, 1.2, 2);
        manual_seed(2);
        using var model = ModelBuilder.Build(ModelSpec.Parse(spec), [1, 10, 10], 5);
        new Trainer(new TrainingOptions { Epochs = 4, BatchSize = 32 }).Train("student", model, train, test, new SupervisedObjective());
        var card = new ModelCard(spec, [1, 10, 10], 5, ModelBuilder.CountParameters(model), "synthetic", "student");
        var floatBytes = OnnxExporter.Export(model, card);
        var int8Bytes = OnnxQuantizer.Quantize(floatBytes, train.Features, new QuantizationOptions { Calibration = method, CalibrationRows = 512 });

        var floatAccuracy = Accuracy(floatBytes, test);
        var int8Accuracy = Accuracy(int8Bytes, test);
        Assert.True(floatAccuracy > 0.8, $"the float model learned only {floatAccuracy}");
        Assert.True(Math.Abs(floatAccuracy - int8Accuracy) <= 0.02, $"float {floatAccuracy}, int8 {int8Accuracy}");
        Assert.True(int8Bytes.Length < floatBytes.Length * 0.5, $"{int8Bytes.Length} bytes against {floatBytes.Length}");
        Assert.Equal(Evaluator.Evaluate(model, test).Accuracy, floatAccuracy, 3);
    }

    [Fact]
    public void Weights_are_int8_per_channel_and_every_activation_read_has_a_quantize_dequantize_pair()
    {
        using var train = SyntheticPatterns.Make("train", 64, [1, 10, 10], 5, 1.2, 1);
        manual_seed(2);
        const string spec = "cnn:c8-relu-mp2-c16-relu-gap";
        using var model = ModelBuilder.Build(ModelSpec.Parse(spec), [1, 10, 10], 5);
        var bytes = OnnxQuantizer.Quantize(OnnxExporter.Export(model, new ModelCard(spec, [1, 10, 10], 5, 0, "synthetic", "student")), train.Features, new QuantizationOptions());
        var graph = ModelProto.Parser.ParseFrom(bytes).Graph;
        var weights = graph.Initializer.Where(i => i.DataType == (int)TensorProto.Types.DataType.Int8 && i.Dims.Count > 1).ToList();
        Assert.Equal(3, weights.Count);
        Assert.Equal([8L, 16, 5], graph.Initializer.Where(i => i.Name.EndsWith("weight.scale")).Select(i => i.Dims.Single()));
        // Input, conv1, act1, pool1, conv2, act2, the pooled map and the flattened embedding.
        Assert.Equal(8, graph.Node.Count(n => n.OpType == "QuantizeLinear"));
        Assert.Equal(8 + 3 + 3, graph.Node.Count(n => n.OpType == "DequantizeLinear"));
        Assert.Contains(ModelProto.Parser.ParseFrom(bytes).MetadataProps, p => p.Key == "distill.quantization" && p.Value.StartsWith("int8 QDQ"));
    }

    [PythonOnnxFact]
    public void The_reference_onnx_checker_accepts_the_int8_models()
    {
        using var folder = new TemporaryFolder();
        using var train = SyntheticPatterns.Make("train", 64, [3, 16, 16], 10, 1.2, 1);
        foreach (var spec in new[] { "cnn:c8-bn-relu-mp2-c16-gelu-fc16-relu", "mlp:32", "resnet:8", "mobilenetv2:0.25", "wrn:10-1" })
        {
            manual_seed(2);
            using var model = ModelBuilder.Build(ModelSpec.Parse(spec), [3, 16, 16], 10);
            model.eval();
            var path = folder.File("model.onnx");
            File.WriteAllBytes(path, OnnxQuantizer.Quantize(OnnxExporter.Export(model, new ModelCard(spec, [3, 16, 16], 10, 0, "synthetic", "student")), train.Features, new QuantizationOptions()));
            var (code, errors) = Python.Run("import onnx, sys; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True)", path);
            Assert.True(code == 0, $"{spec}: {errors}");
            using var logits = OnnxRun.Logits(File.ReadAllBytes(path), train.Features.narrow(0, 0, 4));
            Assert.Equal([4L, 10], logits.shape);
        }
    }

    private static double Accuracy(byte[] onnx, Distill.Data.LabeledDataset data)
    {
        using var logits = OnnxRun.Logits(onnx, data.Features);
        return logits.argmax(1).eq(data.Labels).to(ScalarType.Float32).mean().item<float>();
    }
}
