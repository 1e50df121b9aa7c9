using Distill.Features;

namespace Distill.Methods;

/// <summary>What a method may look at when it is built: the layers of both models with their output shapes, and the data's size.</summary>
public sealed record MethodContext(
    IReadOnlyList<LayerShape> StudentLayers,
    IReadOnlyList<LayerShape> TeacherLayers,
    int ClassCount,
    long TrainCount,
    int Seed)
{
    public LayerShape Student(string name) => Find(StudentLayers, name, "student");

    public LayerShape Teacher(string name) => Find(TeacherLayers, name, "teacher");

    private static LayerShape Find(IReadOnlyList<LayerShape> layers, string name, string owner) =>
        layers.FirstOrDefault(l => l.Name == name)
        ?? throw new DistillException($"The {owner} has no layer '{name}'; its layers are {string.Join(", ", layers.Select(l => l.Name))}.");
}
