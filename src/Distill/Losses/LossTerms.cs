using static TorchSharp.torch;

namespace Distill.Losses;

/// <summary>
/// Named, already weighted loss terms of one step. The trainer backpropagates their sum and
/// logs each one, so a method's parts stay visible in the history.
/// </summary>
public sealed class LossTerms : IDisposable
{
    private readonly List<(string Name, Tensor Value)> _terms = [];

    public IReadOnlyList<(string Name, Tensor Value)> Terms => _terms;

    public LossTerms Add(string name, Tensor value)
    {
        _terms.Add((name, value));
        return this;
    }

    public Tensor Total()
    {
        if (_terms.Count == 0) throw new InvalidOperationException("A loss needs at least one term.");
        var total = _terms[0].Value.alias();
        foreach (var (_, value) in _terms.Skip(1)) total = total + value;
        return total;
    }

    public void Dispose()
    {
        foreach (var (_, value) in _terms) value.Dispose();
    }
}
