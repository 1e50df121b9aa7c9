namespace Distill.Models;

public enum LayerKind
{
    Flatten,
    Dense,
    Conv,
    MaxPool,
    GlobalAveragePool,
    BatchNorm,
    Dropout,
    Relu,
    LeakyRelu,
    Tanh,
    Gelu,
}

/// <summary>
/// One layer of a <see cref="ModelSpec"/>. <paramref name="Units"/> is a width or filter count,
/// <paramref name="Rate"/> a dropout rate or a leaky slope.
/// </summary>
public sealed record LayerSpec(LayerKind Kind, int Units = 0, int Kernel = 0, int Stride = 1, double Rate = 0);
