using Distill.Data;

namespace Distill.Models;

/// <summary>
/// Compares what a saved model was trained on (its card) with the data it is about to read: the
/// table's columns in order, the class names in label order, the class count and the input shape
/// (an image's channels and size). A model fed other columns or other classes still answers, just
/// wrongly (a renamed label scores 0 %), so any difference is refused in one sentence naming the
/// first one. Columns re-ordered by name on loading (<see cref="ColumnOrder"/>) pass, with a note.
/// Cards written before columns and class names were stored pass what they can, with a note.
/// </summary>
public static class DataSchemaCheck
{
    /// <param name="noun">What the model is to the command ("model", "teacher"), for messages.</param>
    /// <param name="path">The model's weights file, for messages.</param>
    /// <param name="sampleShape">The shape of one input of the data as loaded.</param>
    /// <returns>Notes for the diagnostics stream: a re-ordering, or what the card cannot vouch for.</returns>
    public static IReadOnlyList<string> Check(ModelCard card, string noun, string path, DataDescription data, IReadOnlyList<long> sampleShape)
    {
        var notes = new List<string>();
        var uncheckable = new List<string>();
        if (data.Columns is { } columns)
        {
            if (card.Columns is { } trained)
            {
                var model = new ModelColumns(noun, path, trained);
                // The data may have been put in another saved model's order (the first of several teachers).
                if (ColumnOrder.Match(model, columns, data.Name) is not null) throw new DistillException(ColumnOrder.Difference(model, columns, data.Name));
                if (data.ReorderedFrom is not null)
                    notes.Add($"Note: the data '{data.Name}' has the {noun}'s columns in another order; they were re-ordered by name to the {noun}'s ({Clip(trained)}).");
            }
            else uncheckable.Add("column names");
        }
        if (card.ClassNames is { } classes) CheckClasses(classes, noun, path, data);
        else uncheckable.Add("class names");
        card.CheckFits(noun, path, data.Name, data.ClassCount, sampleShape);
        if (uncheckable.Count > 0)
            notes.Add($"Note: the card of the {noun} '{path}' was written before Distill recorded {string.Join(" and ", uncheckable)}, so they cannot be checked against the data '{data.Name}'.");
        return notes;
    }

    private static void CheckClasses(IReadOnlyList<string> classes, string noun, string path, DataDescription data)
    {
        var who = $"the {noun} '{path}'";
        var given = data.ClassNames;
        for (var i = 0; i < Math.Max(classes.Count, given.Count); i++)
        {
            var wanted = i < classes.Count ? classes[i] : null;
            var found = i < given.Count ? given[i] : null;
            if (string.Equals(wanted, found, StringComparison.Ordinal)) continue;
            if (wanted is not null && !given.Contains(wanted, StringComparer.Ordinal))
                throw new DistillException($"Class '{wanted}' of {who} is missing from the data '{data.Name}', whose classes are {Clip(given)}.");
            if (found is not null && !classes.Contains(found, StringComparer.Ordinal))
                throw new DistillException($"The data '{data.Name}' has a class '{found}' that {who} was not trained on (its classes are {Clip(classes)}).");
            throw new DistillException($"Label {i} is '{found}' in the data '{data.Name}' but '{wanted}' for {who}.");
        }
    }

    private static string Clip(IReadOnlyList<string> names) =>
        string.Join(", ", names.Take(12)) + (names.Count > 12 ? $", ... ({names.Count} in all)" : "");
}
