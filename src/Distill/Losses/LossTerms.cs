using static TorchSharp.torch;

namespace Distill.Losses;

/// <summary>
/// Named, already weighted loss terms of one step. The trainer backpropagates their sum and
/// logs each one, so a method's parts stay visible in the history; a term added with its weight
/// also keeps its unweighted value, logged beside it (a term weighted 0.1 would otherwise hide
/// how the loss itself moves).
/// </summary>
public sealed class LossTerms : IDisposable
{
    private readonly List<(string Name, Tensor Value)> _terms = [];
    private readonly List<(string Name, Tensor Value)> _unweighted = [];

    public IReadOnlyList<(string Name, Tensor Value)> Terms => _terms;

    /// <summary>The unweighted value of every term added with <see cref="Add(string, Tensor, double)"/>.</summary>
    public IReadOnlyList<(string Name, Tensor Value)> Unweighted => _unweighted;

    /// <summary>A term whose weight is already part of <paramref name="value"/>.</summary>
    public LossTerms Add(string name, Tensor value)
    {
        _terms.Add((name, value));
        return this;
    }

    /// <summary>A term that is <paramref name="unweighted"/> times <paramref name="weight"/>; both are logged.</summary>
    public LossTerms Add(string name, Tensor unweighted, double weight)
    {
        _unweighted.Add((name, unweighted));
        _terms.Add((name, unweighted.mul(HeldScalar.Of(weight))));
        return this;
    }

    /// <summary>A term given as both its weighted and its unweighted value (passing on another set's terms).</summary>
    public LossTerms AddWeighted(string name, Tensor weighted, Tensor unweighted)
    {
        _unweighted.Add((name, unweighted));
        _terms.Add((name, weighted));
        return this;
    }

    public Tensor Total()
    {
        if (_terms.Count == 0) throw new InvalidOperationException("A loss needs at least one term.");
        var total = _terms[0].Value.alias();
        foreach (var (_, value) in _terms.Skip(1)) total = total.add(value, HeldScalar.One);
        return total;
    }

    public void Dispose()
    {
        foreach (var (_, value) in _terms) value.Dispose();
        foreach (var (_, value) in _unweighted) value.Dispose();
    }
}
