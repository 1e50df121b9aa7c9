using static TorchSharp.torch;

namespace Distill.Features;

/// <summary>
/// Reads the outputs of named layers during a model's forward pass, through forward hooks, so models
/// need no changes. Layers are named by their module path (<c>conv2</c>, <c>layer3.1.conv2</c>).
/// Outputs are recorded only while armed (one training step), so evaluation passes record nothing, and
/// live until the next <see cref="Arm"/> or <see cref="Dispose"/>.
/// </summary>
public sealed class FeatureTaps : IDisposable
{
    private readonly Dictionary<string, Tensor> _outputs = new(StringComparer.Ordinal);
    private readonly List<(string Name, Tensor Output)> _recorded = [];
    private readonly List<Action> _removers = [];
    private bool _armed;

    /// <param name="model">The model to read from.</param>
    /// <param name="layers">Module paths; an unknown one is an error listing the ones that exist.</param>
    /// <param name="owner">Says whose layers these are in errors ("student", "teacher").</param>
    public FeatureTaps(nn.Module<Tensor, Tensor> model, IReadOnlyList<string> layers, string owner)
    {
        Layers = layers;
        if (layers.Count == 0) return;
        var modules = model.named_modules().Where(m => m.name.Length > 0).ToDictionary(m => m.name, m => m.module, StringComparer.Ordinal);
        foreach (var layer in layers.Distinct(StringComparer.Ordinal))
        {
            if (!modules.TryGetValue(layer, out var module))
                throw new DistillException($"The {owner} has no layer '{layer}'; its layers are {string.Join(", ", modules.Keys)}.");
            if (module is not nn.Module<Tensor, Tensor> tensorModule)
                throw new DistillException($"The {owner}'s layer '{layer}' does not map one tensor to one tensor, so it cannot be tapped.");
            var name = layer;
            var remover = tensorModule.register_forward_hook((_, _, output) =>
            {
                // An alias: under no_grad TorchSharp's Sequential disposes each layer's output once the
                // next layer has run, which would leave the tap holding a dead handle.
                if (_armed && !_outputs.ContainsKey(name))
                {
                    // Out of every dispose scope, held until the next Arm() or Dispose(): a model whose forward
                    // opens its own scope (TorchVision's ResNet) would otherwise dispose it when its forward returns.
                    var kept = output.alias().DetachFromDisposeScope();
                    _outputs[name] = kept;
                    _recorded.Add((name, kept));
                }
                return output;
            });
            _removers.Add(remover.remove);
        }
    }

    public IReadOnlyList<string> Layers { get; }

    /// <summary>Records layer outputs until the returned handle is disposed; earlier outputs are disposed.</summary>
    public IDisposable Arm()
    {
        Forget();
        _armed = true;
        return new Disarm(this);
    }

    /// <summary>The outputs recorded since <see cref="Arm"/>, by layer name.</summary>
    public IReadOnlyDictionary<string, Tensor> Outputs
    {
        get
        {
            if (Layers.FirstOrDefault(l => !_outputs.ContainsKey(l)) is { } missing)
                throw new DistillException($"The layer '{missing}' was not reached by the forward pass, so its output cannot be read.");
            return _outputs;
        }
    }

    /// <summary>The outputs recorded since <see cref="Arm"/>, in the order the layers finished.</summary>
    public IReadOnlyList<(string Name, Tensor Output)> Recorded => _recorded;

    public void Dispose()
    {
        foreach (var remove in _removers) remove();
        _removers.Clear();
        Forget();
    }

    private void Forget()
    {
        foreach (var (_, output) in _recorded) output.Dispose();
        _outputs.Clear();
        _recorded.Clear();
    }

    private sealed class Disarm(FeatureTaps taps) : IDisposable
    {
        public void Dispose() => taps._armed = false;
    }
}
