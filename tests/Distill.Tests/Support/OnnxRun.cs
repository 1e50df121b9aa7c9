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
}
