using static TorchSharp.torch;

namespace Distill.Models.TorchVision;

/// <summary>
/// torchvision's layout of MobileNet and EfficientNet: <c>features</c>, global average pooling
/// (<c>avgpool</c>), flatten, <c>classifier</c>; registered under those names so weights load by name.
/// </summary>
internal abstract class PooledClassifier : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> _features;
    private readonly nn.Module<Tensor, Tensor> _avgpool;
    private readonly nn.Module<Tensor, Tensor> _classifier;

    protected PooledClassifier(string name, nn.Module<Tensor, Tensor> features, nn.Module<Tensor, Tensor> classifier) : base(name)
    {
        (_features, _avgpool, _classifier) = (features, nn.AdaptiveAvgPool2d(1), classifier);
        register_module("features", _features);
        register_module("avgpool", _avgpool);
        register_module("classifier", _classifier);
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var pooled = _avgpool.call(_features.call(input)).flatten(1);
        return _classifier.call(pooled).MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _features.Dispose();
            _avgpool.Dispose();
            _classifier.Dispose();
        }
        base.Dispose(disposing);
    }
}
