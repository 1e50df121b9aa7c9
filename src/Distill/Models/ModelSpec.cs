using System.Globalization;
using System.Text.RegularExpressions;

namespace Distill.Models;

/// <summary>
/// A model described by a short string, so a saved model can be rebuilt from its metadata.
/// <list type="bullet">
/// <item><c>mlp:1200-1200,dropout=0.5,input-dropout=0.2,activation=relu</c>: fully connected
/// hidden layers of the given widths, then a linear classifier.</item>
/// <item><c>cnn:c256s2-lrelu0.2-mp2s1-c512s2</c>: a sequence of layers, then flatten and a
/// linear classifier. Tokens: <c>c{filters}[k{kernel}][s{stride}]</c> convolution with "same"
/// padding (kernel 3 by default); <c>mp{size}[s{stride}]</c> max-pooling with "same" padding;
/// <c>relu</c>, <c>lrelu[{slope}]</c>, <c>tanh</c>, <c>gelu</c>; <c>bn</c> batch norm;
/// <c>drop{p}</c> dropout; <c>gap</c> global average pooling; <c>fc{units}</c> a hidden dense layer.</item>
/// <item>A zoo architecture (<see cref="Distill.Models.Zoo.ModelZoo"/>): <c>resnet:20</c>, <c>resnet:8x4</c>, <c>wrn:40-2</c>,
/// <c>vgg:13</c>, <c>mobilenetv2:0.5</c>, <c>plaincnn:4</c>, <c>vgglike</c>, <c>torchvision:resnet18</c>.</item>
/// </list>
/// </summary>
public sealed partial record ModelSpec(string Kind, IReadOnlyList<LayerSpec> Layers, string Text)
{
    public static ModelSpec Parse(string text)
    {
        var trimmed = text.Trim();
        var colon = trimmed.IndexOf(':');
        var kind = (colon < 0 ? trimmed : trimmed[..colon]).ToLowerInvariant();
        var body = colon < 0 ? "" : trimmed[(colon + 1)..];
        if (Distill.Models.Zoo.ModelZoo.Find(kind) is { } architecture)
            return new ModelSpec(kind, [], trimmed) { Zoo = architecture.Parse(text, body) };
        if (colon <= 0)
            throw new DistillException($"Model spec '{text}' must start with 'mlp:', 'cnn:' or a zoo architecture ({Kinds()}).");
        var layers = kind switch
        {
            "mlp" => ParseMlp(text, body),
            "cnn" => ParseCnn(text, body),
            _ => throw new DistillException($"Model spec '{text}' has unknown kind '{kind}'; use mlp, cnn or a zoo architecture ({Kinds()})."),
        };
        return new ModelSpec(kind, layers, trimmed);
    }

    /// <summary>A zoo architecture, built by its own module class; null for <c>mlp:</c> and <c>cnn:</c> specs.</summary>
    public Distill.Models.Zoo.ZooSpec? Zoo { get; init; }

    /// <summary>The module path of the classifier head: torchvision's names for <c>torchvision:</c> specs, else <c>classifier</c>.</summary>
    public string HeadPath => Zoo?.HeadPath ?? ModelBuilder.ClassifierName;

    public override string ToString() => Text;

    private static string Kinds() => string.Join(", ", Distill.Models.Zoo.ModelZoo.All.Select(a => a.Kind));

    private static List<LayerSpec> ParseMlp(string text, string body)
    {
        var parts = body.Split(',', StringSplitOptions.TrimEntries);
        double dropout = 0, inputDropout = 0;
        var activation = new LayerSpec(LayerKind.Relu);
        foreach (var option in parts.Skip(1))
        {
            var pair = option.Split('=', 2, StringSplitOptions.TrimEntries);
            if (pair.Length != 2) throw new DistillException($"Model spec '{text}' has option '{option}' without a value.");
            switch (pair[0].ToLowerInvariant())
            {
                case "dropout": dropout = Probability(text, pair[0], pair[1]); break;
                case "input-dropout": inputDropout = Probability(text, pair[0], pair[1]); break;
                case "activation": activation = ParseActivation(pair[1]) ?? throw new DistillException($"Model spec '{text}' has unknown activation '{pair[1]}'."); break;
                default: throw new DistillException($"Model spec '{text}' has unknown option '{pair[0]}'; use dropout, input-dropout or activation.");
            }
        }

        var layers = new List<LayerSpec> { new(LayerKind.Flatten) };
        if (inputDropout > 0) layers.Add(new LayerSpec(LayerKind.Dropout, Rate: inputDropout));
        if (parts[0].Length > 0)
        {
            foreach (var width in parts[0].Split('-'))
            {
                if (!int.TryParse(width, NumberStyles.None, CultureInfo.InvariantCulture, out var units) || units <= 0)
                    // An empty piece comes from a stray '-' (mlp:-5): name the whole list, not ''.
                    throw new DistillException($"Model spec '{text}' has '{(width.Length == 0 ? parts[0] : width)}' where a positive layer width belongs.");
                layers.Add(new LayerSpec(LayerKind.Dense, Units: units));
                layers.Add(activation);
                if (dropout > 0) layers.Add(new LayerSpec(LayerKind.Dropout, Rate: dropout));
            }
        }
        return layers;
    }

    private static List<LayerSpec> ParseCnn(string text, string body)
    {
        var layers = new List<LayerSpec>();
        foreach (var token in body.Split('-', StringSplitOptions.TrimEntries))
        {
            var lower = token.ToLowerInvariant();
            LayerSpec? layer = null;
            if (ConvPattern().Match(lower) is { Success: true } conv)
                layer = new LayerSpec(LayerKind.Conv, Units: Positive(text, conv.Groups[1].Value),
                    Kernel: conv.Groups[2].Success ? Positive(text, conv.Groups[2].Value) : 3,
                    Stride: conv.Groups[3].Success ? Positive(text, conv.Groups[3].Value) : 1);
            else if (PoolPattern().Match(lower) is { Success: true } pool)
            {
                var size = Positive(text, pool.Groups[1].Value);
                layer = new LayerSpec(LayerKind.MaxPool, Kernel: size,
                    Stride: pool.Groups[2].Success ? Positive(text, pool.Groups[2].Value) : size);
            }
            else if (DensePattern().Match(lower) is { Success: true } dense)
                layer = new LayerSpec(LayerKind.Dense, Units: Positive(text, dense.Groups[1].Value));
            else if (lower.StartsWith("drop", StringComparison.Ordinal))
                layer = new LayerSpec(LayerKind.Dropout, Rate: Probability(text, "drop", lower[4..]));
            else if (lower == "bn") layer = new LayerSpec(LayerKind.BatchNorm);
            else if (lower == "gap") layer = new LayerSpec(LayerKind.GlobalAveragePool);
            else layer = ParseActivation(lower);
            layers.Add(layer ?? throw new DistillException($"Model spec '{text}' has unknown layer '{token}'."));
        }
        return layers;
    }

    private static LayerSpec? ParseActivation(string token)
    {
        var lower = token.ToLowerInvariant();
        if (lower == "relu") return new LayerSpec(LayerKind.Relu);
        if (lower == "tanh") return new LayerSpec(LayerKind.Tanh);
        if (lower == "gelu") return new LayerSpec(LayerKind.Gelu);
        if (lower.StartsWith("lrelu", StringComparison.Ordinal))
        {
            var slope = lower.Length == 5 ? 0.01
                : double.TryParse(lower[5..], NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s >= 0 ? s : double.NaN;
            return double.IsNaN(slope) ? null : new LayerSpec(LayerKind.LeakyRelu, Rate: slope);
        }
        return null;
    }

    private static int Positive(string text, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new DistillException($"Model spec '{text}' has '{value}' where a positive whole number belongs.");

    private static double Probability(string text, string name, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var p) && p is >= 0 and < 1
            ? p
            : throw new DistillException($"Model spec '{text}' has {name}={value}; a dropout rate must be in [0, 1).");

    [GeneratedRegex(@"^c(\d+)(?:k(\d+))?(?:s(\d+))?$")]
    private static partial Regex ConvPattern();

    [GeneratedRegex(@"^mp(\d+)(?:s(\d+))?$")]
    private static partial Regex PoolPattern();

    [GeneratedRegex(@"^fc(\d+)$")]
    private static partial Regex DensePattern();
}
