using System.Reflection;
using static TorchSharp.torch;

namespace Distill.Models;

/// <summary>
/// A user's own module as a model card names it, and the same module built again from that name.
/// A type is rebuilt when it is a public class with a public parameterless constructor, found among
/// the assemblies already loaded (the user's own program) or in an assembly file the caller names:
/// Distill never loads code from a path a card merely records, because a run folder may come from anywhere.
/// </summary>
internal static class UserModules
{
    /// <summary>The spec of a user's module in tables and cards: "module:" and the type's full name.</summary>
    public const string SpecPrefix = "module:";

    public static bool IsModuleSpec(string spec) => spec.StartsWith(SpecPrefix, StringComparison.Ordinal);

    public static string Spec(Type type) => SpecPrefix + (type.FullName ?? type.Name);

    /// <summary><paramref name="card"/> naming <paramref name="module"/>'s type, its assembly file and its layers.</summary>
    public static ModelCard Describe(ModelCard card, nn.Module<Tensor, Tensor> module)
    {
        var type = module.GetType();
        return card with
        {
            ModuleType = type.AssemblyQualifiedName,
            ModuleAssembly = type.Assembly.IsDynamic || type.Assembly.Location.Length == 0 ? null : type.Assembly.Location,
            Layers = [.. module.named_modules().Select(m => m.name).Where(n => n.Length > 0)],
        };
    }

    /// <summary>
    /// A fresh instance of the card's module type, from the loaded assemblies or from <paramref name="assembly"/>;
    /// one sentence when it cannot be made.
    /// </summary>
    public static nn.Module<Tensor, Tensor> Create(ModelCard card, string weightsPath, string? assembly)
    {
        var typeName = card.Spec[SpecPrefix.Length..];
        var type = Loaded(card.ModuleType!) ?? FromFile(typeName, weightsPath, assembly)
            ?? throw new DistillException(assembly is null
                ? $"The model '{weightsPath}' is {typeName}, a module of your own from '{card.ModuleAssembly ?? "an assembly built in memory"}'; pass that assembly with --assembly so Distill may load its code."
                : $"The assembly '{assembly}' holds no type {typeName}, the module the model '{weightsPath}' was saved from.");
        if (!typeof(nn.Module<Tensor, Tensor>).IsAssignableFrom(type))
            throw new DistillException($"The type {typeName} named by the model '{weightsPath}' is not a module from tensors to tensors.");
        if (type.Assembly == typeof(nn.Module).Assembly)
            throw new DistillException($"The model '{weightsPath}' is TorchSharp's {type.Name} put together in code, which Distill cannot rebuild; make it a public class of your own with a public parameterless constructor.");
        if (!type.IsPublic && !type.IsNestedPublic || type.IsAbstract || type.GetConstructor(Type.EmptyTypes) is null)
            throw new DistillException($"The model '{weightsPath}' is {typeName}, which Distill can rebuild only as a public class with a public parameterless constructor.");
        try
        {
            return (nn.Module<Tensor, Tensor>)Activator.CreateInstance(type)!;
        }
        catch (TargetInvocationException e)
        {
            throw new DistillException($"The constructor of {typeName}, the module of the model '{weightsPath}', failed: {e.InnerException?.Message.TrimEnd('.') ?? "no reason given"}.");
        }
    }

    private static Type? Loaded(string assemblyQualifiedName)
    {
        try
        {
            return Type.GetType(assemblyQualifiedName, throwOnError: false);
        }
        catch (Exception e) when (e is FileLoadException or BadImageFormatException or ArgumentException)
        {
            return null;
        }
    }

    private static Type? FromFile(string typeName, string weightsPath, string? assembly)
    {
        if (assembly is null) return null;
        if (!File.Exists(assembly))
            throw new DistillException($"The assembly '{assembly}' given for the model '{weightsPath}' does not exist.");
        try
        {
            return Assembly.LoadFrom(Path.GetFullPath(assembly)).GetType(typeName, throwOnError: false);
        }
        catch (Exception e) when (e is BadImageFormatException or FileLoadException or FileNotFoundException)
        {
            throw new DistillException($"The file '{assembly}' given for the model '{weightsPath}' is not a .NET assembly Distill can load ({e.GetType().Name}).");
        }
    }
}
