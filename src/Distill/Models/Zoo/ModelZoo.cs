using System.Text.RegularExpressions;

namespace Distill.Models.Zoo;

/// <summary>
/// The architectures a spec can name besides <c>mlp:</c> and <c>cnn:</c>, one file each: the
/// library's own, then any a program adds with <see cref="Register"/> (which then works in every
/// spec: --teacher-spec, experiment files, saved runs' cards, <c>distill models</c> of that program).
/// </summary>
public static partial class ModelZoo
{
    private static readonly Lock Gate = new();

    private static IReadOnlyList<ZooArchitecture> _all =
    [
        new("resnet", "resnet:{6n+2}[x4]", "CIFAR ResNet (He et al. 2016; RepDistiller): stages of 16/32/64 filters (x4: 64/128/256)",
            ["resnet:8", "resnet:14", "resnet:20", "resnet:32", "resnet:56", "resnet:110", "resnet:8x4", "resnet:32x4"], ResNetCifar.Parse),
        new("wrn", "wrn:{6n+4}-{k}", "Wide ResNet WRN-d-k (Zagoruyko & Komodakis 2016; RepDistiller)",
            ["wrn:16-2", "wrn:40-1", "wrn:40-2"], WideResNet.Parse),
        new("vgg", "vgg:{8|11|13|16}", "CIFAR VGG with batch norm (Simonyan & Zisserman 2015; RepDistiller)",
            ["vgg:8", "vgg:11", "vgg:13", "vgg:16"], VggCifar.Parse),
        new("mobilenetv2", "mobilenetv2[:{width}]", "CIFAR MobileNetV2 (Sandler et al. 2018; RepDistiller), width multiplier (default 0.5)",
            ["mobilenetv2:0.5", "mobilenetv2:1"], MobileNetV2Cifar.Parse),
        new("plaincnn", "plaincnn:{2|4|6|8|10}", "Plain CNNs of the teacher-assistant paper (Mirzadeh et al. 2020), CIFAR-10 configurations",
            ["plaincnn:2", "plaincnn:4", "plaincnn:6", "plaincnn:8", "plaincnn:10"], PlainCnn.Parse),
        new("vgglike", "vgglike[:same]", "VGG-like student of a Keras chest X-ray case study: blocks of 8-16-32-64-64 filters, dense 256",
            ["vgglike:same"], VggLike.Parse),
        .. LeNet5.Architectures,
        TorchVision.TorchVisionModels.Zoo,
    ];

    /// <summary>Every architecture, the library's first, then in the order registered.</summary>
    public static IReadOnlyList<ZooArchitecture> All => Volatile.Read(ref _all);

    /// <summary>The architecture named <paramref name="kind"/> (any case), or null.</summary>
    public static ZooArchitecture? Find(string kind) =>
        All.FirstOrDefault(a => string.Equals(a.Kind, kind, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Adds <paramref name="architecture"/> so that specs of its kind build it. The kind must be new
    /// (not <c>mlp</c>, <c>cnn</c> or a kind already registered): a spec string then always means one model.
    /// </summary>
    public static void Register(ZooArchitecture architecture)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        lock (Gate)
        {
            if (!KindPattern().IsMatch(architecture.Kind) || architecture.Kind is "mlp" or "cnn")
                throw new DistillException($"The architecture kind '{architecture.Kind}' must be lower-case letters, digits and '-', start with a letter, and not be mlp or cnn.");
            if (Find(architecture.Kind) is not null)
                throw new DistillException($"The architecture kind '{architecture.Kind}' is already registered; give yours another name.");
            Volatile.Write(ref _all, [.. _all, architecture]);
        }
    }

    [GeneratedRegex("^[a-z][a-z0-9-]*$")]
    private static partial Regex KindPattern();
}
