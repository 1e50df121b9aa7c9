using System.Runtime.CompilerServices;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distill.Quantization;

/// <summary>
/// Quantization-aware training (Jacob et al. 2018; Krishnamoorthi 2018): forward hooks make a model
/// compute what its int8 QDQ ONNX file (<see cref="Export.OnnxQuantizer"/>) will. The input and every
/// layer output the file quantizes pass through <see cref="FakeQuantization.Activation"/> on a range
/// observed during training (<see cref="ObservedRange"/>); dense layers and convolutions are recomputed
/// with per-channel int8 weights and int32 biases. A convolution followed by a batch norm quantizes the
/// folded weight w gamma / sqrt(var + eps) and divides the scale back out before the norm, as PyTorch's
/// ConvBn2d QAT module does, so in evaluation it is exactly the folded convolution the exporter writes.
/// Gradients pass straight through the rounding to the float32 weights, which the optimizer keeps.
/// The hooks stay until disposed, so evaluation and feature taps see the quantized model.
/// </summary>
public sealed class QuantizationAwareModel : IDisposable
{
    /// <summary>PyTorch's default averaging constant for the observed minimum and maximum.</summary>
    public const double DefaultMomentum = 0.01;

    private static readonly ConditionalWeakTable<nn.Module, QuantizationAwareModel> Prepared = new();
    private readonly nn.Module _model;
    private readonly double _momentum;
    private readonly Dictionary<string, ObservedRange> _ranges = new(StringComparer.Ordinal);
    private readonly List<Action> _hooks = [];

    // The scale of the activation the next layer reads (its bias is quantized on it times the weight's).
    private float _inputScale = 1f;

    private QuantizationAwareModel(nn.Module<Tensor, Tensor> model, double momentum)
    {
        _model = model;
        _momentum = momentum;
        var layers = QuantizedLayers.Plan(model);
        var input = Range("input");
        _hooks.Add(model.register_forward_pre_hook((_, x) => Quantize(input, x)).remove);
        for (var i = 0; i < layers.Count; i++)
        {
            var layer = layers[i];
            var norm = layer.FoldsIntoNorm ? (BatchNorm2d)layers[i + 1].Module : null;
            var output = layer.QuantizesOutput ? Range(layer.Path) : null;
            _hooks.Add(layer.Module.register_forward_hook((module, x, y) =>
            {
                if (layer.Computes) y = Recompute(module, x, norm);
                return output is null ? y : Quantize(output, y);
            }).remove);
        }
    }

    /// <summary>
    /// Makes <paramref name="model"/> quantization-aware (once: a model already prepared is returned as it is).
    /// With <paramref name="ranges"/> (a saved model's), observation starts from them.
    /// </summary>
    public static QuantizationAwareModel Prepare(nn.Module<Tensor, Tensor> model, QuantizationRanges? ranges = null, double momentum = DefaultMomentum)
    {
        if (!(momentum > 0 && momentum <= 1)) throw new DistillException($"The momentum of the observed activation ranges must be in (0, 1], not {momentum}.");
        if (Of(model) is { } prepared) return prepared;
        var created = new QuantizationAwareModel(model, ranges?.Momentum ?? momentum);
        if (ranges is not null) created.Restore(ranges);
        Prepared.AddOrUpdate(model, created);
        return created;
    }

    /// <summary>The quantization-aware state of <paramref name="model"/>, or null when it trains in float.</summary>
    public static QuantizationAwareModel? Of(nn.Module model) => Prepared.TryGetValue(model, out var prepared) ? prepared : null;

    /// <summary>The observed ranges, for the model card; every activation seen at least once.</summary>
    public QuantizationRanges Ranges() =>
        new(_momentum, _ranges.Where(r => r.Value.Observed).ToDictionary(r => r.Key, r => new[] { r.Value.Low, r.Value.High }, StringComparer.Ordinal));

    /// <summary>Sets the ranges back to <paramref name="ranges"/> (the best epoch's, a resumed run's).</summary>
    public void Restore(QuantizationRanges ranges)
    {
        foreach (var (name, range) in _ranges)
            if (ranges.Activations.ContainsKey(name))
            {
                var (low, high) = ranges.Of(name);
                range.Set(low, high);
            }
    }

    private ObservedRange Range(string name) => _ranges[name] = new ObservedRange(_momentum);

    private Tensor Quantize(ObservedRange range, Tensor values)
    {
        if (_model.training || !range.Observed) range.Observe(values);
        var (scale, zeroPoint) = FakeQuantization.ActivationParameters(range.Low, range.High);
        _inputScale = scale;
        return FakeQuantization.Activation(values, scale, zeroPoint);
    }

    private Tensor Recompute(nn.Module layer, Tensor input, BatchNorm2d? norm)
    {
        var (weight, bias) = QuantizedLayers.Parameters(layer);
        if (norm is null)
        {
            using var weightScales = FakeQuantization.WeightScales(weight);
            using var biasScales = weightScales * _inputScale;
            return QuantizedLayers.Compute(layer, input, FakeQuantization.Weight(weight), bias is null ? null : FakeQuantization.Bias(bias, biasScales));
        }
        using var scope = NewDisposeScope();
        var factor = norm.weight! / (norm.running_var! + norm.eps).sqrt();
        var folded = FakeQuantization.Weight(weight * factor.reshape(-1, 1, 1, 1));
        var output = QuantizedLayers.Compute(layer, input, folded, null) / factor.reshape(1, -1, 1, 1);
        if (bias is not null) output += bias.reshape(1, -1, 1, 1);
        return output.MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        foreach (var remove in _hooks) remove();
        _hooks.Clear();
        Prepared.Remove(_model);
    }
}
