using System.Text.Json;
using static TorchSharp.torch;

namespace Distill.Tests.Support;

/// <summary>The teachers Golden/make_teachers.py made with PyTorch, and the logits PyTorch computed for its fixed inputs.</summary>
public static class GoldenTeachers
{
    private static readonly Lazy<JsonElement> Golden = new(() =>
        JsonDocument.Parse(System.IO.File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Golden", "teachers.json"))).RootElement);

    /// <summary>teacher_NAME.onnx or teacher_NAME.pt.</summary>
    public static string File(string name, string extension) => Path.Combine(AppContext.BaseDirectory, "Golden", $"teacher_{name}.{extension}");

    public static Tensor Inputs()
    {
        var shape = Golden.Value.GetProperty("input_shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        return tensor(Floats(Golden.Value.GetProperty("inputs")), shape);
    }

    public static Tensor Logits(string name) => tensor(Floats(Golden.Value.GetProperty(name).GetProperty("logits")), [6, 10]);

    private static float[] Floats(JsonElement array) => array.EnumerateArray().Select(e => (float)e.GetDouble()).ToArray();
}
