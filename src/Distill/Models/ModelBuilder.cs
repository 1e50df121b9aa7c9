using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using Distill.Native;

namespace Distill.Models;

/// <summary>
/// Builds a classifier from a <see cref="ModelSpec"/>. An <c>mlp:</c> or <c>cnn:</c> spec becomes a
/// TorchSharp Sequential whose layers have stable names (conv1, act1, pool1, fc1, ..., classifier); a
/// zoo spec becomes its architecture's module, with named stages (layer1, block1, ...), a pooled
/// embedding named pool and a classifier named classifier. Feature-based methods reach any layer by
/// its module path without changing the model.
/// </summary>
public static class ModelBuilder
{
    public const string ClassifierName = "classifier";

    public static Module<Tensor, Tensor> Build(ModelSpec spec, IReadOnlyList<long> inputShape, int classCount, Device? device = null)
    {
        if (classCount < 2) throw new DistillException($"A classifier needs at least 2 classes, not {classCount}.");
        NativeRuntime.EnsureReady();
        ModelSize.Check(spec, inputShape, classCount);
        if (spec.Zoo is { } zoo) return BuildZoo(spec, zoo, inputShape, classCount, device);
        var layers = new List<(string, Module<Tensor, Tensor>)>();
        var counters = new Dictionary<string, int>();
        string Name(string prefix) => prefix + (counters[prefix] = counters.GetValueOrDefault(prefix) + 1);

        // Shapes are traced by running a single zero input through each layer as it is added:
        // exact for every layer kind, and cheap.
        var probe = zeros([1, .. inputShape]);
        try
        {
            foreach (var layer in spec.Layers)
            {
                if (layer.Kind == LayerKind.Dense && probe.dim() > 2) probe = AddFlatten(layers, probe);
                var (name, module) = Create(layer, probe, spec, Name);
                layers.Add((name, module));
                using (no_grad())
                {
                    module.eval();
                    var next = module.call(probe);
                    probe.Dispose();
                    probe = next;
                }
            }
            if (probe.dim() != 2) probe = AddFlatten(layers, probe);
            layers.Add((ClassifierName, new MixedLinear(probe.shape[1], classCount) { Float32Output = true }));
        }
        catch (Exception e) when (e is not DistillException && e.Message.Contains("size", StringComparison.OrdinalIgnoreCase))
        {
            throw new DistillException($"Model spec '{spec}' does not fit inputs of shape {string.Join("x", inputShape)}: {e.Message.Split('\n')[0]}");
        }
        finally
        {
            probe.Dispose();
        }

        var model = Sequential(layers.ToArray());
        model.train();
        return device is null ? model : model.to(device);
    }

    private static Module<Tensor, Tensor> BuildZoo(ModelSpec spec, Zoo.ZooSpec zoo, IReadOnlyList<long> inputShape, int classCount, Device? device)
    {
        var model = zoo.Create(inputShape, classCount, null);
        try
        {
            // One input through the model in eval mode: a spec that cannot take this shape fails here, named.
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            model.eval();
            using var output = model.call(zeros([1, .. inputShape]));
            if (output.dim() != 2 || output.shape[1] != classCount)
                throw new DistillException($"Model spec '{spec}' outputs shape {string.Join("x", output.shape)} for inputs of shape {string.Join("x", inputShape)}, not {classCount} class scores.");
        }
        catch (Exception e) when (e is not DistillException)
        {
            model.Dispose();
            throw new DistillException($"Model spec '{spec}' does not fit inputs of shape {string.Join("x", inputShape)}: {e.Message.Split('\n')[0].TrimEnd('.')}.");
        }
        catch
        {
            model.Dispose();
            throw;
        }
        model.train();
        return device is null ? model : model.to(device);
    }

    /// <summary>Total number of trainable and frozen parameters.</summary>
    public static long CountParameters(Module module) => module.parameters().Sum(p => p.numel());

    private static (string, Module<Tensor, Tensor>) Create(LayerSpec layer, Tensor probe, ModelSpec spec, Func<string, string> name)
    {
        return layer.Kind switch
        {
            LayerKind.Flatten => ("flatten", Flatten()),
            LayerKind.Dense => (name("fc"), new MixedLinear(probe.shape[1], layer.Units)),
            LayerKind.Conv => (name("conv"), new SameConv2d(Channels(probe, spec, "a convolution"), layer.Units, layer.Kernel, layer.Stride)),
            LayerKind.MaxPool => (name("pool"), new SameMaxPool2d(layer.Kernel, layer.Stride)),
            LayerKind.GlobalAveragePool => ("gap", Sequential(AdaptiveAvgPool2d(1), Flatten())),
            LayerKind.BatchNorm => (name("bn"), probe.dim() == 4 ? BatchNorm2d(probe.shape[1]) : BatchNorm1d(probe.shape[1])),
            LayerKind.Dropout => (name("drop"), Dropout(layer.Rate)),
            LayerKind.Relu => (name("act"), ReLU()),
            LayerKind.LeakyRelu => (name("act"), LeakyReLU(layer.Rate)),
            LayerKind.Tanh => (name("act"), Tanh()),
            LayerKind.Gelu => (name("act"), GELU()),
            _ => throw new DistillException($"Model spec '{spec}' uses layer kind {layer.Kind}, which this builder does not know."),
        };
    }

    private static Tensor AddFlatten(List<(string, Module<Tensor, Tensor>)> layers, Tensor probe)
    {
        layers.Add(("flatten", Flatten()));
        var flat = probe.flatten(1);
        probe.Dispose();
        return flat;
    }

    private static long Channels(Tensor probe, ModelSpec spec, string what) =>
        probe.dim() == 4
            ? probe.shape[1]
            : throw new DistillException($"Model spec '{spec}' puts {what} where inputs are not images (shape {string.Join("x", probe.shape[1..])}).");
}
