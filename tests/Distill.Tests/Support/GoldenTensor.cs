using static TorchSharp.torch;

namespace Distill.Tests.Support;

/// <summary>A tensor of a golden JSON file written by a script in Golden/: its shape and its entries flat in row-major order.</summary>
public sealed record GoldenTensor(long[] Shape, double[] Data)
{
    public Tensor ToTensor() => tensor(Data, Shape, ScalarType.Float64);

    /// <summary>
    /// Asserts that <paramref name="loss"/> is within <paramref name="tolerance"/> of <paramref name="value"/>, relative,
    /// and every entry of <paramref name="gradient"/> within <paramref name="tolerance"/> times this gradient's largest entry.
    /// </summary>
    public void AssertLossAndGradient(string name, Tensor loss, Tensor gradient, double value, double tolerance)
    {
        Assert.True(Math.Abs(loss.item<double>() - value) <= tolerance * value, $"{name}: the loss is {loss.item<double>():R}, PyTorch's {value:R}.");
        var actual = gradient.data<double>().ToArray();
        var largest = Data.Max(Math.Abs);
        for (var i = 0; i < actual.Length; i++)
            Assert.True(Math.Abs(actual[i] - Data[i]) <= tolerance * largest, $"{name}: d/dstudent element {i} is {actual[i]:R}, PyTorch's {Data[i]:R}.");
    }
}
