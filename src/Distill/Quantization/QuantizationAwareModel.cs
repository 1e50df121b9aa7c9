using System.Runtime.CompilerServices;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distill.Quantization;

/// <summary>
/// Quantization-aware training (Jacob et al. 2018; Krishnamoorthi 2018): forward hooks make a model
/// compute what its int8 QDQ ONNX file (<see cref="Export.OnnxQuantizer"/>) will. Where the file
/// quantizes is read from the float graph the exporter writes for the model (<see cref="QuantizationPlan"/>):
/// the input and every value an operator reads pass through <see cref="FakeQuantization.Activation"/> on a
/// range observed during training (<see cref="ObservedRange"/>), at the output of the layer or residual
/// block that returns it; dense layers and convolutions are recomputed with per-channel int8 weights and
/// int32 biases on the scale of the value they read. A convolution the exporter folds into its batch norm
/// quantizes the folded weight w gamma / sqrt(var + eps) and divides the scale back out before the norm,
/// as PyTorch's ConvBn2d QAT module does, so in evaluation it is exactly the folded convolution the
/// exporter writes. Gradients pass straight through the rounding to the float32 weights, which the
/// optimizer keeps. The hooks stay until disposed, so evaluation and feature taps see the quantized model.
/// </summary>
public sealed class QuantizationAwareModel : IDisposable
{
    /// <summary>PyTorch's default averaging constant for the observed minimum and maximum.</summary>
    public const double DefaultMomentum = 0.01;

    private static readonly ConditionalWeakTable<nn.Module, QuantizationAwareModel> Prepared = new();
    private readonly nn.Module<Tensor, Tensor> _model;
    private readonly double _momentum;
    private readonly Dictionary<string, ObservedRange> _ranges = new(StringComparer.Ordinal);
    private readonly List<Action> _hooks = [];
    private QuantizationPlan? _plan;
    private QuantizationRanges? _restored;
    private bool _planning;

    private QuantizationAwareModel(nn.Module<Tensor, Tensor> model, double momentum)
    {
        _model = model;
        _momentum = momentum;
        _hooks.Add(model.register_forward_pre_hook((_, x) => _planning ? x : QuantizeInput(x)).remove);
        foreach (var (_, module) in model.named_modules().Where(m => m.name.Length > 0))
            if (module is nn.Module<Tensor, Tensor> layer)
                _hooks.Add(layer.register_forward_hook((m, x, y) => _planning || _plan?.Of(m) is not { } step ? y : Apply(step, m, x, y)).remove);
    }

    /// <summary>
    /// Makes <paramref name="model"/> quantization-aware (once: a model already prepared is returned as it is).
    /// With <paramref name="ranges"/> (a saved model's), observation starts from them.
    /// </summary>
    /// <param name="sampleShape">
    /// The shape of one input row: where the int8 file quantizes is worked out now, and a model that cannot
    /// be simulated is refused before training; without it, at the first forward pass.
    /// </param>
    public static QuantizationAwareModel Prepare(nn.Module<Tensor, Tensor> model, QuantizationRanges? ranges = null, double momentum = DefaultMomentum,
        IReadOnlyList<long>? sampleShape = null)
    {
        if (!(momentum > 0 && momentum <= 1)) throw new DistillException($"The momentum of the observed activation ranges must be in (0, 1], not {momentum}.");
        if (model is Training.MutualCohort)
            throw new DistillException("Quantization-aware training takes one student at a time; mutual learning's peers cannot train quantization-aware together yet.");
        if (Of(model) is { } prepared) return prepared;
        var created = new QuantizationAwareModel(model, ranges?.Momentum ?? momentum);
        try
        {
            if (ranges is not null) created.Restore(ranges);
            if (sampleShape is not null) created.Plan(sampleShape);
        }
        catch
        {
            created.Dispose();
            throw;
        }
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
        _restored = ranges;
        foreach (var (name, range) in _ranges)
            if (ranges.Activations.ContainsKey(name))
            {
                var (low, high) = ranges.Of(name);
                range.Set(low, high);
            }
    }

    /// <summary>Runs the model in float until disposed (ONNX export compares a user module's forward with its children, both in float).</summary>
    internal IDisposable Float()
    {
        var was = _planning;
        _planning = true;
        return new Restorer(() => _planning = was);
    }

    private sealed class Restorer(Action restore) : IDisposable
    {
        public void Dispose() => restore();
    }

    private void Plan(IReadOnlyList<long> sampleShape)
    {
        _planning = true;
        try
        {
            _plan = QuantizationPlan.For(_model, sampleShape);
        }
        finally
        {
            _planning = false;
        }
        foreach (var name in _plan.Values)
        {
            var range = _ranges[name] = new ObservedRange(_momentum);
            if (_restored?.Activations.ContainsKey(name) == true)
            {
                var (low, high) = _restored.Of(name);
                range.Set(low, high);
            }
        }
    }

    private Tensor QuantizeInput(Tensor input)
    {
        // A torchvision model has repeated a gray channel into three by now (its own pre-hook runs first).
        if (_plan is null) Plan(Models.TorchVision.TorchVisionModels.RepeatsChannels(_model) ? [1, .. input.shape[2..]] : input.shape[1..]);
        foreach (var name in _plan!.Inputs) input = Quantize(name, input);
        return input;
    }

    private Tensor Apply(QuantizationPlan.Step step, nn.Module module, Tensor input, Tensor output)
    {
        if (step.Input is not null) output = Recompute(module, input, Scale(step.Input), step.Norm);
        foreach (var name in step.Outputs) output = Quantize(name, output);
        return output;
    }

    private float Scale(string value) => FakeQuantization.ActivationParameters(_ranges[value].Low, _ranges[value].High).Scale;

    private Tensor Quantize(string name, Tensor values)
    {
        var range = _ranges[name];
        if (_model.training || !range.Observed) range.Observe(values);
        var (scale, zeroPoint) = FakeQuantization.ActivationParameters(range.Low, range.High);
        return FakeQuantization.Activation(values, scale, zeroPoint);
    }

    private static Tensor Recompute(nn.Module layer, Tensor input, float inputScale, BatchNorm2d? norm)
    {
        var (weight, bias) = QuantizedLayers.Parameters(layer);
        if (norm is null)
        {
            using var weightScales = FakeQuantization.WeightScales(weight);
            using var biasScales = weightScales * inputScale;
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
