namespace Distill.Features;

/// <summary>A layer of a model, by module path, and the shape of its output for one sample (batch dimension left out).</summary>
public sealed record LayerShape(string Name, long[] Shape)
{
    public bool IsFeatureMap => Shape.Length == 3;

    public override string ToString() => $"{Name} ({string.Join("x", Shape)})";
}
