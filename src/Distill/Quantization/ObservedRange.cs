using static TorchSharp.torch;

namespace Distill.Quantization;

/// <summary>
/// The range of one activation during quantization-aware training: the moving averages of each
/// training batch's minimum and maximum (PyTorch's MovingAverageMinMaxObserver), starting from the
/// first batch's; evaluation reads the range without changing it.
/// </summary>
internal sealed class ObservedRange(double momentum)
{
    public float Low { get; private set; }

    public float High { get; private set; }

    public bool Observed { get; private set; }

    public void Observe(Tensor values)
    {
        using var scope = NewDisposeScope();
        var (low, high) = (values.min().item<float>(), values.max().item<float>());
        if (Observed)
        {
            low = (float)(Low + momentum * (low - Low));
            high = (float)(High + momentum * (high - High));
        }
        (Low, High, Observed) = (low, high, true);
    }

    public void Set(float low, float high) => (Low, High, Observed) = (low, high, true);
}
