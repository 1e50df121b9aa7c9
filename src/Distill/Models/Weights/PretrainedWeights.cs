using static TorchSharp.torch;

namespace Distill.Models.Weights;

/// <summary>
/// Loads a PyTorch <c>state_dict</c> or <c>.safetensors</c> file (<see cref="StateDictFile"/>) into a
/// built model by parameter name, strictly: a missing, unexpected or wrongly shaped tensor is refused
/// in one sentence naming the first few. The one exception is the classifier head
/// (<see cref="ModelSpec.HeadPath"/>) when the user asks for a new one: its tensors then keep their
/// fresh initialisation, so ImageNet weights (1000 classes) can start a model for other classes.
/// </summary>
public static class PretrainedWeights
{
    private const int Named = 3;

    public static LoadedWeights Load(nn.Module module, ModelSpec spec, string path, bool newHead)
    {
        var loaded = StateDictFile.Read(path, out var converted);
        try
        {
            var target = module.state_dict();
            var head = spec.HeadPath + ".";
            bool InHead(string name) => name.StartsWith(head, StringComparison.Ordinal);
            var missing = target.Keys.Where(k => !loaded.ContainsKey(k)).ToList();
            var unexpected = loaded.Keys.Where(k => !target.ContainsKey(k)).ToList();
            var misshapen = target.Keys.Where(k => loaded.TryGetValue(k, out var t) && !t.shape.SequenceEqual(target[k].shape)).ToList();
            var what = $"The weights file '{path}'";
            var replaced = new List<string>();
            if (newHead)
            {
                replaced = [.. missing.Concat(misshapen).Where(InHead)];
                missing.RemoveAll(InHead);
                misshapen.RemoveAll(InHead);
                unexpected.RemoveAll(InHead);
            }
            else if (misshapen.Count > 0 && misshapen.All(InHead) && missing.Count == 0 && unexpected.Count == 0
                     && loaded.TryGetValue(misshapen[0], out var fileHead))
                throw new DistillException($"{what} has a classifier head '{spec.HeadPath}' for {fileHead.shape[0]} classes but '{spec}' is built for {target[misshapen[0]].shape[0]}; pass --new-head to replace the head.");
            if (missing.Count + unexpected.Count + misshapen.Count > 0)
                throw new DistillException($"{what} does not fit '{spec}' by name: {Mismatch(missing, unexpected, misshapen, loaded, target)}.");
            if (loaded.FirstOrDefault(kv => kv.Value.is_floating_point() && !kv.Value.isfinite().all().item<bool>()) is { Key: { } bad })
                throw new DistillException($"{what} holds NaN or infinite values in '{bad}'.");
            using (no_grad())
                foreach (var (name, tensor) in target)
                    if (loaded.TryGetValue(name, out var source) && !replaced.Contains(name))
                        tensor.copy_(source);
            return new LoadedWeights(path, target.Count - replaced.Count, replaced, converted);
        }
        finally
        {
            foreach (var tensor in loaded.Values) tensor.Dispose();
        }
    }

    private static string Mismatch(List<string> missing, List<string> unexpected, List<string> misshapen,
        Dictionary<string, Tensor> loaded, Dictionary<string, Tensor> target)
    {
        static string Shape(Tensor t) => "[" + string.Join(", ", t.shape) + "]";
        static string First(IEnumerable<string> names, int count) =>
            string.Join(", ", names.Take(Named)) + (count > Named ? $" and {count - Named} more" : "");
        var parts = new List<string>();
        if (missing.Count > 0) parts.Add($"{missing.Count} missing ({First(missing, missing.Count)})");
        if (unexpected.Count > 0) parts.Add($"{unexpected.Count} unexpected ({First(unexpected, unexpected.Count)})");
        if (misshapen.Count > 0)
            parts.Add($"{misshapen.Count} of another shape ({First(misshapen.Select(k => $"{k} {Shape(loaded[k])} for {Shape(target[k])}"), misshapen.Count)})");
        return string.Join("; ", parts);
    }
}
