using static TorchSharp.torch;

namespace Distill.Training;

/// <summary>
/// Freezes the first N named top-level submodules of a model (conv1, bn1, relu, layer1, ... in a zoo
/// ResNet; conv1, act1, ... in a spec-built network): their parameters stop requiring gradients, so the
/// optimizer never sees them, and their batch-norm layers stay in eval mode, so their running
/// statistics do not move either.
/// </summary>
public static class LayerFreezer
{
    /// <returns>The frozen submodules, to put back in eval mode whenever the model enters training mode.</returns>
    public static IReadOnlyList<nn.Module> Freeze(nn.Module model, int count)
    {
        if (count == 0) return [];
        var children = model.named_children().ToList();
        if (count >= children.Count)
            throw new DistillException($"Freezing {count} layers would freeze all {children.Count} top-level layers of the model ({string.Join(", ", children.Select(c => c.name))}), leaving nothing to train.");
        var frozen = children.Take(count).Select(c => c.module).ToList();
        foreach (var module in frozen)
            foreach (var parameter in module.parameters())
                parameter.requires_grad = false;
        return frozen;
    }

    /// <summary>Puts the frozen submodules' batch-norm layers (and dropout) back in eval mode after model.train().</summary>
    public static void KeepInEval(IReadOnlyList<nn.Module> frozen)
    {
        foreach (var module in frozen) module.eval();
    }
}
