namespace Distill.Methods;

/// <summary>A method that reads one student layer and one teacher layer (FitNets, SP, RKD, PKT, CRD).</summary>
public abstract class LayerPairMethod : DistillationMethod
{
    protected LayerPairMethod(string name, string studentLayer, string teacherLayer) : base(name)
    {
        StudentLayer = studentLayer;
        TeacherLayer = teacherLayer;
    }

    /// <summary>The student layer read, by module path.</summary>
    protected string StudentLayer { get; }

    /// <summary>The teacher layer read, by module path.</summary>
    protected string TeacherLayer { get; }

    public override IReadOnlyList<string> StudentLayers => [StudentLayer];

    public override IReadOnlyList<string> TeacherLayers => [TeacherLayer];
}
