using Microsoft.ML.OnnxRuntime;
using static TorchSharp.torch;

namespace Distill.Tests.Support;

/// <summary>Runs an ONNX file with ONNX Runtime directly, independent of Distill's own ONNX code.</summary>
public static class OnnxRun
{
    public static Tensor Logits(byte[] model, Tensor inputs, string inputName = "input", string outputName = "logits")
    {
        using var session = new InferenceSession(model);
        using var contiguous = inputs.contiguous();
        var data = contiguous.data<float>().ToArray();
        using var input = OrtValue.CreateTensorValueFromMemory(data, inputs.shape);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, [inputName], [input], [outputName]);
        var output = outputs[0];
        var shape = output.GetTensorTypeAndShape().Shape;
        return tensor(output.GetTensorDataAsSpan<float>().ToArray()).reshape(shape);
    }

    /// <summary>
    /// Asserts that ONNX Runtime running <paramref name="onnx"/> gives <paramref name="model"/>'s logits
    /// within 1e-5 for seeded random inputs of each batch size.
    /// </summary>
    public static void AssertSameLogits(nn.Module<Tensor, Tensor> model, byte[] onnx, long[] inputShape, int[] batches, ulong seed, string spec)
    {
        foreach (var batch in batches)
        {
            using var inputs = randn([batch, .. inputShape], generator: new Generator(seed));
            using var expected = TorchLogits(model, inputs);
            using var actual = Logits(onnx, inputs);
            Xunit.Assert.Equal(expected.shape, actual.shape);
            var difference = (expected - actual).abs().max().item<float>();
            Xunit.Assert.True(difference <= 1e-5, $"{spec}, batch {batch}: largest difference {difference}");
        }
    }

    private static Tensor TorchLogits(nn.Module<Tensor, Tensor> model, Tensor inputs)
    {
        using var noGrad = no_grad();
        return model.call(inputs);
    }
}
