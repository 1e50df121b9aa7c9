using Distill.Features;

namespace Distill.Methods;

/// <summary>How a method's options and the defaults become the layers it reads; errors name the option.</summary>
internal static class LayerChoice
{
    /// <summary>One student layer and one teacher layer: the ones named, or <paramref name="fallback"/>'s.</summary>
    public static (string Student, string Teacher) Single(
        string? student, string? teacher, MethodContext context, Func<IReadOnlyList<LayerShape>, string> fallback, string method)
    {
        if (student is not null) Named(context.StudentLayers, student, "student", $"{method}.studentLayer");
        if (teacher is not null) Named(context.TeacherLayers, teacher, "teacher", $"{method}.teacherLayer");
        var s = student ?? fallback(context.StudentLayers);
        var t = teacher ?? fallback(context.TeacherLayers);
        context.Student(s);
        context.Teacher(t);
        return (s, t);
    }

    /// <summary>Pairs of layers: the lists named (same length), or the stages both models share.</summary>
    public static IReadOnlyList<(string Student, string Teacher)> Pairs(
        IReadOnlyList<string>? students, IReadOnlyList<string>? teachers, MethodContext context, string method)
    {
        if (students is null && teachers is null) return DefaultLayers.SharedStages(context.StudentLayers, context.TeacherLayers, method);
        if (students is null || teachers is null || students.Count != teachers.Count)
            throw new DistillException($"The method '{method}' pairs student and teacher layers: give {method}.studentLayers and {method}.teacherLayers as lists of the same length, or neither.");
        foreach (var s in students) Named(context.StudentLayers, s, "student", $"{method}.studentLayers");
        foreach (var t in teachers) Named(context.TeacherLayers, t, "teacher", $"{method}.teacherLayers");
        return [.. students.Zip(teachers)];
    }

    private static void Named(IReadOnlyList<LayerShape> layers, string name, string owner, string option)
    {
        if (!layers.Any(l => l.Name == name))
            throw new DistillException($"The option '{option}' names the {owner} layer '{name}', which does not exist; the {owner}'s layers are {string.Join(", ", layers.Select(l => l.Name))}.");
    }
}
