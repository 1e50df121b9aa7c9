using static TorchSharp.torch;

namespace Distill.Models.Zoo;

/// <summary>
/// A model that runs its named submodules one after the other, for the zoo's plain (residual-free)
/// networks. Unlike a Sequential it says which architecture it is, and the subclass names the layers.
/// </summary>
public abstract class LayerChain : nn.Module<Tensor, Tensor>
{
    private readonly List<nn.Module<Tensor, Tensor>> _layers = [];

    protected LayerChain(string name) : base(name)
    {
    }

    protected void Add(string name, nn.Module<Tensor, Tensor> layer)
    {
        register_module(name, layer);
        _layers.Add(layer);
    }

    // No dispose scope in the zoo's forward passes: feature taps keep aliases of layer outputs, which a
    // scope ending inside the model would dispose. The caller's scope collects the intermediates.
    public override Tensor forward(Tensor input)
    {
        var x = input;
        foreach (var layer in _layers) x = layer.call(x);
        return x;
    }

    /// <summary>Refuses an input too small for the network's poolings, naming the spec and the shape.</summary>
    protected static void CheckSize(string spec, IReadOnlyList<long> inputShape, long height, long width, string why)
    {
        if (height < 1 || width < 1)
            throw new DistillException($"Model spec '{spec}' does not fit inputs of shape {string.Join("x", inputShape)}: {why}.");
    }
}
