namespace Distill.Methods;

/// <summary>A method as the registry lists it: its name, what it does, its paper, its options and how to build it.</summary>
/// <param name="Name">The name used by --method and experiment files ("kd", "at", ...).</param>
/// <param name="Description">One line for `distill methods`.</param>
/// <param name="Paper">Authors, year and title.</param>
/// <param name="DefaultHardLabelWeight">Weight of the cross-entropy with the labels when the method leads and none is given (the reference implementations' value).</param>
/// <param name="Options">The method's options inside <see cref="DistillationOptions"/> (null for options kept at the top level).</param>
/// <param name="Create">Builds the method for one student and teacher.</param>
public sealed record MethodDescriptor(
    string Name,
    string Description,
    string Paper,
    double DefaultHardLabelWeight,
    Func<DistillationOptions, object> Options,
    Func<DistillationOptions, MethodContext, DistillationMethod> Create)
{
    /// <summary>True for methods that read intermediate layers, so both models' layers are probed before it is built.</summary>
    public bool ReadsLayers { get; init; }
}
