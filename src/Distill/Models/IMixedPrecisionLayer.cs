using static TorchSharp.torch;

namespace Distill.Models;

/// <summary>A layer whose products can run in a lower-precision type while its weights stay float32.</summary>
public interface IMixedPrecisionLayer
{
    /// <summary>The type inputs and a cast of the weights are multiplied in; null = the weights' own type.</summary>
    ScalarType? ComputeType { get; set; }
}
