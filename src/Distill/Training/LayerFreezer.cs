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

    /// <summary>The keyword of <see cref="TrainingOptions.Freeze"/> that freezes everything but the classifier head.</summary>
    public const string AllButHead = "all-but-head";

    /// <summary>
    /// Freezes the modules at the comma-separated <paramref name="paths"/> and everything under them, or
    /// with <see cref="AllButHead"/> every module outside <paramref name="headPath"/>. A path that names
    /// no module, or a freeze that leaves nothing to train, is refused by name.
    /// </summary>
    /// <returns>The frozen modules, to put back in eval mode whenever the model enters training mode.</returns>
    public static IReadOnlyList<nn.Module> Freeze(nn.Module model, string? paths, string headPath)
    {
        if (paths is null) return [];
        var modules = model.named_modules().Where(m => m.name.Length > 0).ToDictionary(m => m.name, m => m.module);
        List<nn.Module> frozen;
        if (paths.Trim() == AllButHead)
        {
            if (!modules.ContainsKey(headPath))
                throw new DistillException($"--freeze {AllButHead} needs the classifier head '{headPath}', which the model does not have.");
            // The head's ancestors hold it, so they stay in train mode; every module beside them freezes.
            frozen = [.. modules.Where(m => !headPath.StartsWith(m.Key + ".", StringComparison.Ordinal) && m.Key != headPath
                                             && !m.Key.StartsWith(headPath + ".", StringComparison.Ordinal)).Select(m => m.Value)];
        }
        else
        {
            frozen = [];
            foreach (var path in paths.Split(',', StringSplitOptions.TrimEntries))
                frozen.Add(modules.TryGetValue(path, out var module) ? module
                    : throw new DistillException($"--freeze path '{path}' matches no module of the model; its top-level modules are {string.Join(", ", model.named_children().Select(c => c.name))}."));
        }
        foreach (var parameter in frozen.SelectMany(m => m.parameters())) parameter.requires_grad = false;
        if (!model.parameters().Any(p => p.requires_grad))
            throw new DistillException($"--freeze {paths} freezes every parameter of the model, leaving nothing to train.");
        return frozen;
    }

    /// <summary>Puts the frozen submodules' batch-norm layers (and dropout) back in eval mode after model.train().</summary>
    public static void KeepInEval(IReadOnlyList<nn.Module> frozen)
    {
        foreach (var module in frozen) module.eval();
    }
}
