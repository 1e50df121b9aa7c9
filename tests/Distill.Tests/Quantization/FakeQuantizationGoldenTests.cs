using System.Text.Json;
using Distill.Quantization;
using Distill.Tests.Support;
using static TorchSharp.torch;

namespace Distill.Tests.Quantization;

/// <summary>
/// Fake quantization's forward values and straight-through gradients against Golden/fake_quantization.py,
/// PyTorch's fake_quantize_per_tensor_affine and fake_quantize_per_channel_affine in float32
/// (rerun: /usr/bin/python3 tests/Distill.Tests/Golden/fake_quantization.py). Tolerance 1e-6 absolute:
/// the same float32 operations, so values agree to rounding and the grid steps exactly.
/// </summary>
public sealed class FakeQuantizationGoldenTests
{
    private const double Tolerance = 1e-6;

    private static readonly Lazy<JsonElement[]> Cases = new(() =>
        [.. JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Golden", "fake_quantization.json"))).RootElement.GetProperty("cases").EnumerateArray()]);

    public static TheoryData<string> Names(string kind) => [.. Cases.Value.Where(c => c.GetProperty("kind").GetString() == kind).Select(c => c.GetProperty("name").GetString()!)];

    [Theory]
    [MemberData(nameof(Names), "activation")]
    public void An_activation_takes_PyTorchs_values_scale_zero_point_and_gradient(string name)
    {
        using var scope = NewDisposeScope();
        var golden = Case(name);
        var (scale, zeroPoint) = FakeQuantization.ActivationParameters(golden.GetProperty("low").GetSingle(), golden.GetProperty("high").GetSingle());
        Assert.Equal(golden.GetProperty("scale").GetDouble(), scale, 7);
        Assert.Equal(golden.GetProperty("zero_point").GetInt32(), zeroPoint);

        var input = Tensor(golden, "input").requires_grad_(true);
        var output = FakeQuantization.Activation(input, scale, zeroPoint);
        (output * Tensor(golden, "upstream")).sum().backward();

        AssertClose(name, golden, "output", output);
        AssertClose(name, golden, "gradient", input.grad!);
    }

    [Theory]
    [MemberData(nameof(Names), "weight")]
    public void A_weight_takes_PyTorchs_per_channel_values_and_gradient(string name)
    {
        using var scope = NewDisposeScope();
        var golden = Case(name);
        var weight = Tensor(golden, "input").requires_grad_(true);
        AssertClose(name, golden, "scales", FakeQuantization.WeightScales(weight));
        var output = FakeQuantization.Weight(weight);
        (output * Tensor(golden, "upstream")).sum().backward();

        AssertClose(name, golden, "output", output);
        AssertClose(name, golden, "gradient", weight.grad!);
    }

    [Theory]
    [MemberData(nameof(Names), "dense")]
    public void A_dense_layer_computes_and_differentiates_as_PyTorch_with_its_bias_on_the_int32_grid(string name)
    {
        using var scope = NewDisposeScope();
        var golden = Case(name);
        var (input, weight, bias) = (Tensor(golden, "input").requires_grad_(true), Tensor(golden, "weight").requires_grad_(true), Tensor(golden, "bias").requires_grad_(true));
        var (scale, zeroPoint) = FakeQuantization.ActivationParameters(golden.GetProperty("low").GetSingle(), golden.GetProperty("high").GetSingle());
        var output = nn.functional.linear(FakeQuantization.Activation(input, scale, zeroPoint), FakeQuantization.Weight(weight),
            FakeQuantization.Bias(bias, FakeQuantization.WeightScales(weight) * scale));
        (output * Tensor(golden, "upstream")).sum().backward();

        AssertClose(name, golden, "output", output);
        AssertClose(name, golden, "input_gradient", input.grad!);
        AssertClose(name, golden, "weight_gradient", weight.grad!);
        AssertClose(name, golden, "bias_gradient", bias.grad!);
    }

    [Fact]
    public void The_golden_cases_clip_somewhere_and_hold_a_zero_channel()
    {
        var clipped = Case("activation clipped at both ends (zero gradient outside)");
        Assert.Contains(clipped.GetProperty("gradient").GetProperty("data").EnumerateArray(), g => g.GetDouble() == 0);
        Assert.Contains(Case("conv weight 4x3x2x2 with a zero channel").GetProperty("scales").GetProperty("data").EnumerateArray(), s => s.GetDouble() == 1);
    }

    private static JsonElement Case(string name) => Cases.Value.Single(c => c.GetProperty("name").GetString() == name);

    private static Tensor Tensor(JsonElement golden, string key)
    {
        var value = golden.GetProperty(key).Deserialize<GoldenTensor>(new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;
        return value.ToTensor().to(ScalarType.Float32);
    }

    private static void AssertClose(string name, JsonElement golden, string key, Tensor actual)
    {
        var expected = golden.GetProperty(key).GetProperty("data").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var values = actual.detach().to(ScalarType.Float64).reshape(-1).data<double>().ToArray();
        Assert.Equal(expected.Length, values.Length);
        for (var i = 0; i < values.Length; i++)
            Assert.True(Math.Abs(values[i] - expected[i]) <= Tolerance, $"{name}: {key} element {i} is {values[i]:R}, PyTorch's {expected[i]:R}.");
    }
}
