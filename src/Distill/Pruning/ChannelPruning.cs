using System.Globalization;
using System.Text.RegularExpressions;
using Distill.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distill.Pruning;

/// <summary>
/// Structured pruning that really shrinks the model: each convolution loses the given share of its
/// filters and each hidden dense layer of its units, those of smallest L1 norm (Li et al., "Pruning
/// Filters for Efficient ConvNets", ICLR 2017). The survivors keep their order and weights; the batch
/// norms after them and the layers that read them are cut to match. The result is a narrower model of
/// the same kind (<c>cnn:c16-...</c> becomes <c>cnn:c12-...</c>), saved and exported like any other.
/// Zoo architectures fix their widths in their spec and are not channel-pruned here.
/// </summary>
public static partial class ChannelPruning
{
    /// <summary>A narrower copy of <paramref name="model"/> (built from <paramref name="card"/>'s spec) without <paramref name="fraction"/> of each layer's channels.</summary>
    public static (nn.Module<Tensor, Tensor> Model, ModelCard Card) Prune(nn.Module<Tensor, Tensor> model, ModelCard card, double fraction)
    {
        if (!(fraction >= 0 && fraction < 1))
            throw new DistillException($"The share of channels to prune must be at least 0 and below 1, not {fraction}.");
        var spec = ModelSpec.Parse(card.Spec);
        if (spec.Zoo is not null || model is not Sequential)
            throw new DistillException($"Channel pruning narrows mlp: and cnn: models; '{card.Spec}' is a zoo architecture whose widths its spec fixes (use --sparsity for it).");

        var wasTraining = model.training;
        var (state, widths) = Sliced(model, card, fraction);
        try
        {
            var narrower = Respecify(spec, widths);
            var pruned = ModelBuilder.Build(ModelSpec.Parse(narrower), card.InputShape, card.ClassCount);
            try
            {
                pruned.load_state_dict(state, strict: true);
            }
            catch
            {
                pruned.Dispose();
                throw;
            }
            pruned.train(wasTraining);
            return (pruned, card with { Spec = narrower, Parameters = ModelBuilder.CountParameters(pruned) });
        }
        finally
        {
            foreach (var tensor in state.Values) tensor.Dispose();
        }
    }

    /// <summary>The narrower model's weights, and the width each convolution and hidden layer keeps.</summary>
    private static (Dictionary<string, Tensor> State, List<int> Widths) Sliced(nn.Module<Tensor, Tensor> model, ModelCard card, double fraction)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var wasTraining = model.training;
        model.eval();
        var children = model.named_children().ToList();
        var keeps = new List<Tensor>();
        var state = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var probe = zeros([1, .. card.InputShape]);
        Tensor keep = arange(card.InputShape[0]);
        foreach (var (name, child) in children)
        {
            var parameters = child.state_dict();
            var input = probe;
            probe = ((nn.Module<Tensor, Tensor>)child).call(probe);
            switch (child)
            {
                case SameConv2d or MixedLinear when name != ModelBuilder.ClassifierName:
                    var key = child is SameConv2d ? "conv." : "";
                    var weight = parameters[key + "weight"];
                    var inputKeep = Features(keep, input, weight.shape[1]);
                    var norms = weight.abs().flatten(1).sum(1);
                    var count = Kept(weight.shape[0], fraction);
                    var (_, order) = norms.sort(0, descending: true, stable: true);
                    keep = order.narrow(0, 0, count).sort(0).Values;
                    keeps.Add(keep);
                    state[$"{name}.{key}weight"] = weight.index_select(0, keep).index_select(1, inputKeep);
                    state[$"{name}.{key}bias"] = parameters[key + "bias"].index_select(0, keep);
                    break;
                case MixedLinear:
                    var classifier = parameters["weight"];
                    state[$"{name}.weight"] = classifier.index_select(1, Features(keep, input, classifier.shape[1]));
                    state[$"{name}.bias"] = parameters["bias"].clone();
                    break;
                case BatchNorm1d or BatchNorm2d:
                    foreach (var (entry, value) in parameters)
                        state[$"{name}.{entry}"] = value.dim() == 1 ? value.index_select(0, keep) : value.clone();
                    break;
                default:
                    if (parameters.Count > 0) throw new DistillException($"Channel pruning does not know the layer '{name}' ({child.GetType().Name}).");
                    if (probe.dim() == 2 && input.dim() == 4) keep = Features(keep, input, probe.shape[1]);
                    break;
            }
        }
        model.train(wasTraining);
        foreach (var tensor in state.Values) tensor.MoveToOuterDisposeScope();
        return (state, [.. keeps.Select(k => (int)k.numel())]);
    }

    /// <summary>
    /// The input features a layer reads from the kept channels: the channels themselves, or, after a
    /// flatten of [channels, height, width], every position of each kept channel.
    /// </summary>
    private static Tensor Features(Tensor keep, Tensor input, long features)
    {
        if (input.dim() != 4 || features == input.shape[1]) return keep;
        var positions = input.shape[2] * input.shape[3];
        return (keep.unsqueeze(1) * positions + arange(positions).unsqueeze(0)).flatten();
    }

    /// <summary>The spec <see cref="Prune"/> makes of <paramref name="spec"/> at <paramref name="fraction"/>, known before any weights are read.</summary>
    public static string Narrowed(string spec, double fraction)
    {
        if (!(fraction >= 0 && fraction < 1))
            throw new DistillException($"The share of channels to prune must be at least 0 and below 1, not {fraction}.");
        var parsed = ModelSpec.Parse(spec);
        if (parsed.Zoo is not null)
            throw new DistillException($"Channel pruning narrows mlp: and cnn: models; '{spec}' is a zoo architecture whose widths its spec fixes (use --sparsity for it).");
        return Respecify(parsed, [.. Widths(parsed).Select(w => (int)Kept(w, fraction))]);
    }

    /// <summary>The channels a layer of <paramref name="width"/> keeps: all but the pruned share, and at least one.</summary>
    private static long Kept(long width, double fraction) => Math.Max(1, width - (long)Math.Round(fraction * width, MidpointRounding.AwayFromZero));

    /// <summary>The convolution filters and hidden widths of an mlp: or cnn: spec, in order (what <see cref="Respecify"/> replaces).</summary>
    private static IReadOnlyList<int> Widths(ModelSpec spec)
    {
        var body = spec.Text[(spec.Text.IndexOf(':') + 1)..];
        if (spec.Kind == "mlp")
        {
            var comma = body.IndexOf(',');
            var list = comma < 0 ? body : body[..comma];
            return list.Length == 0 ? [] : [.. list.Split('-').Select(w => int.TryParse(w, CultureInfo.InvariantCulture, out var width) ? width : -1).Where(w => w > 0)];
        }
        return [.. body.Split('-').Select(token => WidthToken().Match(token.Trim())).Where(m => m.Success).Select(m => int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture))];
    }

    /// <summary>The spec with its convolution filters and hidden widths replaced, in order.</summary>
    public static string Respecify(ModelSpec spec, IReadOnlyList<int> widths)
    {
        var next = 0;
        string Width(string prefix) => next < widths.Count
            ? prefix + widths[next++].ToString(CultureInfo.InvariantCulture)
            : throw new DistillException($"Model spec '{spec.Text}' has more convolutions and hidden layers than {widths.Count}.");
        var text = spec.Text;
        var colon = text.IndexOf(':');
        var (head, body) = (text[..(colon + 1)], text[(colon + 1)..]);
        if (spec.Kind == "mlp")
        {
            var comma = body.IndexOf(',');
            var (list, options) = comma < 0 ? (body, "") : (body[..comma], body[comma..]);
            var layers = list.Length == 0 ? [] : list.Split('-');
            if (layers.Length != widths.Count) throw new DistillException($"Model spec '{text}' has {layers.Length} hidden layers, not {widths.Count}.");
            return head + string.Join("-", widths.Select(w => w.ToString(CultureInfo.InvariantCulture))) + options;
        }
        var tokens = body.Split('-').Select(token => WidthToken().Match(token.Trim()) is { Success: true } match
            ? Width(match.Groups[1].Value) + match.Groups[3].Value
            : token).ToList();
        if (next != widths.Count) throw new DistillException($"Model spec '{text}' has {next} convolutions and hidden layers, not {widths.Count}.");
        return head + string.Join("-", tokens);
    }

    // c{filters}[k..][s..] or fc{units}: the width, and what follows it.
    [GeneratedRegex(@"^(c|fc)(\d+)((?:k\d+)?(?:s\d+)?)$", RegexOptions.IgnoreCase)]
    private static partial Regex WidthToken();
}
