using static TorchSharp.torch;

namespace Distill.Data;

/// <summary>
/// Matches a table's columns to the order a saved model reads them. A model sees a row as a vector,
/// so the same columns in another order give confident nonsense (3.5 % instead of 96 %) with no
/// error. The same distinct names in another order are re-ordered by name; any other difference
/// is refused in one sentence naming the first one.
/// </summary>
public static class ColumnOrder
{
    /// <summary>
    /// For each of the model's columns, where <paramref name="data"/> has it; null when the orders
    /// already agree. Throws when the names differ (or repeat, which makes "by name" ambiguous).
    /// </summary>
    public static int[]? Match(ModelColumns model, IReadOnlyList<string> data, string dataName)
    {
        if (model.Names.SequenceEqual(data, StringComparer.Ordinal)) return null;
        var names = model.Names.ToHashSet(StringComparer.Ordinal);
        var sameNames = names.Count == model.Names.Count && data.Count == model.Names.Count && names.SetEquals(data);
        if (!sameNames) throw new DistillException(Difference(model, data, dataName));
        var position = data.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i, StringComparer.Ordinal);
        return model.Names.Select(name => position[name]).ToArray();
    }

    /// <summary>The first difference between the model's columns and the data's, as one sentence.</summary>
    public static string Difference(ModelColumns model, IReadOnlyList<string> data, string dataName)
    {
        var who = $"the {model.Noun} '{model.Path}'";
        for (var i = 0; i < Math.Min(model.Names.Count, data.Count); i++)
        {
            var (wanted, found) = (model.Names[i], data[i]);
            if (string.Equals(wanted, found, StringComparison.Ordinal)) continue;
            if (!data.Contains(wanted, StringComparer.Ordinal))
                return $"The data '{dataName}' has no column '{wanted}', which {who} reads as column {i + 1}.";
            if (!model.Names.Contains(found, StringComparer.Ordinal))
                return $"The data '{dataName}' has a column '{found}' (column {i + 1}), which {who} was not trained on.";
            return $"Column {i + 1} is '{found}' in the data '{dataName}' but '{wanted}' for {who}.";
        }
        return model.Names.Count > data.Count
            ? $"The data '{dataName}' has no column '{model.Names[data.Count]}', which {who} reads as column {data.Count + 1}."
            : $"The data '{dataName}' has a column '{data[model.Names.Count]}' (column {model.Names.Count + 1}), which {who} was not trained on.";
    }

    /// <summary>A copy of <paramref name="part"/> whose feature columns are taken in <paramref name="order"/>.</summary>
    public static LabeledDataset Select(LabeledDataset part, int[] order)
    {
        using var index = tensor(order.Select(i => (long)i).ToArray());
        return new LabeledDataset(part.Name, part.Features.index_select(1, index), part.Labels.clone(), part.ClassCount);
    }
}
