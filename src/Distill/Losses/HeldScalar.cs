using System.Collections.Concurrent;
using TorchSharp;

namespace Distill.Losses;

/// <summary>
/// TorchSharp scalars that live as long as the process. A <see cref="Scalar"/> made by an implicit
/// conversion (<c>logits / temperature</c>) is a native object with a finalizer that nothing holds
/// once its handle is passed to libtorch: a collection started by another thread while libtorch
/// reads it can free it under it ("Unknown scalar type", or a wrong value). The values a training
/// step uses (weights, temperatures, their products) are few, so each is made once and kept.
/// </summary>
internal static class HeldScalar
{
    private static readonly ConcurrentDictionary<double, Scalar> Reals = new();
    private static readonly ConcurrentDictionary<long, Scalar> Integers = new();

    public static Scalar Of(double value) => Reals.GetOrAdd(value, v => v.ToScalar());

    public static Scalar Of(long value) => Integers.GetOrAdd(value, v => v.ToScalar());

    /// <summary>The integer 1: the alpha of a plain tensor sum.</summary>
    public static Scalar One => Of(1L);
}
