using Distill.Training;
using static TorchSharp.torch;

namespace Distill.Models;

/// <summary>Switches every <see cref="IMixedPrecisionLayer"/> of a model to a compute type for a scope.</summary>
public static class MixedPrecision
{
    /// <summary>
    /// Until disposed, the model's dense layers and convolutions compute in <paramref name="precision"/>;
    /// afterwards in their weights' own type again. Float32 changes nothing.
    /// </summary>
    public static IDisposable Use(nn.Module model, Precision precision) => Use(Layers(model), precision);

    /// <summary>The model's dense layers and convolutions that can compute in another precision.</summary>
    public static IReadOnlyList<IMixedPrecisionLayer> Layers(nn.Module model) => model.modules().OfType<IMixedPrecisionLayer>().ToList();

    /// <summary>As <see cref="Use(nn.Module, Precision)"/> for layers found once (<see cref="Layers"/>), for a caller that switches them every batch.</summary>
    public static IDisposable Use(IReadOnlyList<IMixedPrecisionLayer> layers, Precision precision)
    {
        ScalarType? type = precision switch
        {
            Precision.Float32 => null,
            Precision.Bfloat16 => ScalarType.BFloat16,
            _ => throw new DistillException($"Unknown precision {precision}."),
        };
        foreach (var layer in layers) layer.ComputeType = type;
        return new Reset(layers);
    }

    private sealed class Reset(IReadOnlyList<IMixedPrecisionLayer> layers) : IDisposable
    {
        public void Dispose()
        {
            foreach (var layer in layers) layer.ComputeType = null;
        }
    }
}
