using System.Globalization;

namespace Distill.Data;

/// <summary>
/// Classes named by the user (by their name, else by their label number) turned into label numbers,
/// for options such as --exclude-classes and --class-bias.
/// </summary>
public static class ClassList
{
    /// <summary>
    /// The label of <paramref name="given"/>: a class name of <paramref name="names"/> (exact, then
    /// ignoring case), else a label number below the class count. <paramref name="option"/> names the
    /// setting in the refusal.
    /// </summary>
    public static int Resolve(string given, IReadOnlyList<string> names, string option)
    {
        var text = given.Trim();
        for (var i = 0; i < names.Count; i++) if (names[i] == text) return i;
        for (var i = 0; i < names.Count; i++) if (string.Equals(names[i], text, StringComparison.OrdinalIgnoreCase)) return i;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var label) && label < names.Count) return label;
        var shown = names.Count <= 12 ? string.Join(", ", names) : string.Join(", ", names.Take(12)) + ", ...";
        throw new DistillException($"{option} names the class '{text}', which the data does not have (its classes: {shown}).");
    }

    /// <summary>
    /// The labels of the classes to leave out of a training set, refused when they are every class
    /// (nothing would be left to train on).
    /// </summary>
    public static IReadOnlyList<int> Excluded(IReadOnlyList<string> given, IReadOnlyList<string> names, string option = "--exclude-classes")
    {
        var labels = given.Select(g => Resolve(g, names, option)).Distinct().Order().ToList();
        if (labels.Count >= names.Count)
            throw new DistillException($"{option} leaves out every one of the {names.Count} classes, so nothing is left to train on.");
        return labels;
    }
}
