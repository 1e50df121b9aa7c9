namespace Distill.Methods;

/// <summary>
/// A method class that carries its own registry entry, so <see cref="MethodRegistry.Register{T}"/>
/// needs nothing but the class. Keep the descriptor in a static property initialised once.
/// </summary>
public interface IDescribedMethod
{
    static abstract MethodDescriptor Descriptor { get; }
}
