namespace Distill.Features;

/// <summary>
/// Which layers a feature method reads when the user names none, from the probed layers of both
/// models (<see cref="FeatureProbe"/>). Stages are found by resolution: a stage's output is the last
/// layer whose output still has that spatial size, which is what the reference implementations tap
/// (the output of each residual stage, or each conv block before its pooling).
/// </summary>
public static class DefaultLayers
{
    /// <summary>Stage outputs of student and teacher paired by spatial size, for resolutions both have.</summary>
    public static IReadOnlyList<(string Student, string Teacher)> SharedStages(IReadOnlyList<LayerShape> student, IReadOnlyList<LayerShape> teacher, string method)
    {
        var studentStages = Stages(student);
        var teacherStages = Stages(teacher);
        var pairs = studentStages
            .Where(s => teacherStages.ContainsKey(s.Key))
            .Select(s => (s.Value, teacherStages[s.Key]))
            .ToList();
        if (studentStages.Count == 0 || teacherStages.Count == 0)
            throw new DistillException($"The method '{method}' reads feature maps, but the {(studentStages.Count == 0 ? "student" : "teacher")} has none (it is not convolutional); pick a method that reads embeddings or logits.");
        if (pairs.Count == 0)
            throw new DistillException($"The method '{method}' pairs feature maps of equal size, but student and teacher share no feature-map size; name the layers to pair.");
        return pairs;
    }

    /// <summary>The last feature map of a model, or its embedding when it has none.</summary>
    public static string LastFeatureMap(IReadOnlyList<LayerShape> layers)
    {
        var stages = Stages(layers);
        return stages.Count > 0 ? stages.Last().Value : Embedding(layers);
    }

    /// <summary>
    /// The classifier's input: the last layer before the classifier whose output is one vector per
    /// sample, dropout left out (the reference implementations tap the pooled feature before the fc).
    /// </summary>
    public static string Embedding(IReadOnlyList<LayerShape> layers)
    {
        var classifier = IndexOf(layers, Models.ModelBuilder.ClassifierName);
        for (var i = classifier - 1; i >= 0; i--)
        {
            var layer = layers[i];
            if (layer.Shape.Length == 1 && !IsDropout(layer) && !layer.Name.StartsWith(Models.ModelBuilder.ClassifierName + ".", StringComparison.Ordinal))
                return layer.Name;
        }
        throw new DistillException("The model has no layer before its classifier whose output is a vector, so it has no embedding to read.");
    }

    /// <summary>The middle one of the shared stages (FitNets' hint), or the middle hidden layer of models without feature maps.</summary>
    public static (string Student, string Teacher) Middle(IReadOnlyList<LayerShape> student, IReadOnlyList<LayerShape> teacher)
    {
        if (Stages(student).Count > 0 && Stages(teacher).Count > 0)
        {
            var pairs = SharedStages(student, teacher, "fitnets");
            return pairs[(pairs.Count - 1) / 2];
        }
        return (MiddleHidden(student), MiddleHidden(teacher));
    }

    private static string MiddleHidden(IReadOnlyList<LayerShape> layers)
    {
        var classifier = IndexOf(layers, Models.ModelBuilder.ClassifierName);
        var hidden = layers.Take(classifier).Where(l => l.Shape.Length == 1 && !IsDropout(l) && !l.Name.Contains('.') && l.Name != "flatten").ToList();
        return hidden.Count == 0 ? Embedding(layers) : hidden[(hidden.Count - 1) / 2].Name;
    }

    /// <summary>Spatial size -> the last layer with it, in the order the sizes first appear.</summary>
    private static Dictionary<(long, long), string> Stages(IReadOnlyList<LayerShape> layers)
    {
        var stages = new Dictionary<(long, long), string>();
        var order = new List<(long, long)>();
        foreach (var layer in layers.Where(l => l.IsFeatureMap && !IsDropout(l)))
        {
            var size = (layer.Shape[1], layer.Shape[2]);
            if (!stages.ContainsKey(size)) order.Add(size);
            stages[size] = layer.Name;
        }
        return order.ToDictionary(s => s, s => stages[s]);
    }

    private static int IndexOf(IReadOnlyList<LayerShape> layers, string name)
    {
        for (var i = 0; i < layers.Count; i++)
            if (layers[i].Name == name) return i;
        return layers.Count;
    }

    private static bool IsDropout(LayerShape layer) => layer.Name.Split('.')[^1].StartsWith("drop", StringComparison.Ordinal);
}
