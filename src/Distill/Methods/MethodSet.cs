using Distill.Losses;
using static TorchSharp.torch;

namespace Distill.Methods;

/// <summary>
/// The methods of one distilled student as one module, so their parameters train together and their
/// state is checkpointed under one prefix per method ("at.", "crd.embedStudent.weight").
/// </summary>
public sealed class MethodSet : nn.Module
{
    private readonly List<DistillationMethod> _methods = [];

    public MethodSet(IEnumerable<(string Name, DistillationMethod Method)> methods) : base(nameof(MethodSet))
    {
        foreach (var (name, method) in methods)
        {
            register_module(name, method);
            _methods.Add(method);
        }
    }

    public IReadOnlyList<DistillationMethod> Methods => _methods;

    public IReadOnlyList<string> StudentLayers => [.. _methods.SelectMany(m => m.StudentLayers).Distinct(StringComparer.Ordinal)];

    public IReadOnlyList<string> TeacherLayers => [.. _methods.SelectMany(m => m.TeacherLayers).Distinct(StringComparer.Ordinal)];

    /// <summary>Every method's generators, named "method.generator".</summary>
    public IReadOnlyDictionary<string, Generator> Generators =>
        named_children().SelectMany(c => ((DistillationMethod)c.module).Generators.Select(g => KeyValuePair.Create($"{c.name}.{g.Key}", g.Value)))
            .ToDictionary(kv => kv.Key, kv => kv.Value);

    /// <summary>Adds every method's terms to <paramref name="terms"/>.</summary>
    public void AddTerms(LossTerms terms, DistillationStep step)
    {
        foreach (var method in _methods)
        {
            using var own = method.call(step);
            var unweighted = own.Unweighted.ToDictionary(t => t.Name, t => t.Value, StringComparer.Ordinal);
            foreach (var (name, value) in own.Terms)
            {
                if (unweighted.TryGetValue(name, out var raw)) terms.AddWeighted(name, value.alias(), raw.alias());
                else terms.Add(name, value.alias());
            }
        }
    }
}
