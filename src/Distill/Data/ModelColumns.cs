namespace Distill.Data;

/// <summary>
/// The feature columns a saved model reads, in its order, and which model that is (for messages):
/// a table read for that model is put in this order by name (<see cref="ColumnOrder"/>).
/// </summary>
/// <param name="Noun">What the model is to the command: "model", "teacher".</param>
/// <param name="Path">The model's weights file.</param>
/// <param name="Names">Its columns, in the order it was trained on them.</param>
public sealed record ModelColumns(string Noun, string Path, IReadOnlyList<string> Names);
