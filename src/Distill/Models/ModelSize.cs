using Distill.Native;
namespace Distill.Models;

/// <summary>
/// The size of the model a spec describes, worked out from shapes alone, so an absurd spec
/// (from a flag or a hostile model card) is refused before any memory is allocated for it.
/// Doubles, because a hostile spec can overflow any integer type.
/// </summary>
public static class ModelSize
{
    /// <summary>Most parameters Distill will build (8 GiB of float32).</summary>
    public const double MaxParameters = 1L << 31;

    /// <summary>Most values one layer may output for a single input (1 GiB of float32).</summary>
    public const double MaxActivation = 1L << 28;

    /// <returns>Trainable parameters, and the largest layer output for one input, in values.</returns>
    public static (double Parameters, double LargestActivation) Estimate(ModelSpec spec, IReadOnlyList<long> inputShape, int classCount)
    {
        if (spec.Zoo is { } zoo) return EstimateZoo(spec, zoo, inputShape, classCount);
        var shape = inputShape.Select(d => (double)d).ToList();
        double parameters = 0;
        var largest = Product(shape);
        foreach (var layer in spec.Layers)
        {
            if (layer.Kind is LayerKind.Flatten || (layer.Kind == LayerKind.Dense && shape.Count > 1)) shape = [Product(shape)];
            switch (layer.Kind)
            {
                case LayerKind.Dense:
                    parameters += (shape[0] + 1) * layer.Units;
                    shape = [layer.Units];
                    break;
                case LayerKind.Conv when shape.Count == 3:
                    parameters += (shape[0] * layer.Kernel * layer.Kernel + 1) * layer.Units;
                    largest = Math.Max(largest, shape[0] * (shape[1] + layer.Kernel) * (shape[2] + layer.Kernel));
                    shape = [layer.Units, Math.Ceiling(shape[1] / layer.Stride), Math.Ceiling(shape[2] / layer.Stride)];
                    break;
                case LayerKind.MaxPool when shape.Count == 3:
                    largest = Math.Max(largest, shape[0] * (shape[1] + layer.Kernel) * (shape[2] + layer.Kernel));
                    shape = [shape[0], Math.Ceiling(shape[1] / layer.Stride), Math.Ceiling(shape[2] / layer.Stride)];
                    break;
                case LayerKind.GlobalAveragePool when shape.Count == 3:
                    shape = [shape[0]];
                    break;
                case LayerKind.BatchNorm:
                    parameters += 2 * shape[0];
                    break;
            }
            largest = Math.Max(largest, Product(shape));
        }
        parameters += (Product(shape) + 1) * classCount;
        return (parameters, largest);
    }

    /// <summary>Refuses a model too large to build here, naming the spec and the size.</summary>
    public static void Check(ModelSpec spec, IReadOnlyList<long> inputShape, int classCount)
    {
        var (parameters, largest) = Estimate(spec, inputShape, classCount);
        if (parameters > MaxParameters)
            throw new DistillException($"Model spec '{spec}' would have {parameters:G3} parameters, more than Distill will build ({MaxParameters:G3}).");
        if (largest > MaxActivation)
            throw new DistillException($"Model spec '{spec}' would produce {largest:G3} values in one layer for a single input, more than Distill will build ({MaxActivation:G3}).");
    }

    /// <summary>
    /// A zoo model is built on the meta device, which gives exact parameter counts without allocating
    /// them. Its largest activation is bounded by its widest layer at the input's full resolution:
    /// the zoo's networks never grow a feature map beyond the input.
    /// </summary>
    private static (double Parameters, double LargestActivation) EstimateZoo(ModelSpec spec, Zoo.ZooSpec zoo, IReadOnlyList<long> inputShape, int classCount)
    {
        if (inputShape.Count != 3)
            throw new DistillException($"Model spec '{spec}' needs images (channels x height x width), not inputs of shape {string.Join("x", inputShape)}.");
        NativeRuntime.EnsureReady();
        using var preserved = new RandomStatePreserver();
        using var model = zoo.Create(inputShape, classCount, new TorchSharp.torch.Device("meta"));
        double parameters = 0, widest = inputShape[0];
        foreach (var parameter in model.parameters())
        {
            parameters += parameter.numel();
            if (parameter.dim() == 4) widest = Math.Max(widest, parameter.shape[0]);
        }
        return (parameters, widest * inputShape[1] * inputShape[2]);
    }

    private static double Product(IEnumerable<double> shape) => shape.Aggregate(1.0, (a, b) => a * b);
}
