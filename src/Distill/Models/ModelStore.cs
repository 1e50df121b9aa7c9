using TorchSharp;
using Distill.Runs;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distill.Models;

/// <summary>
/// Saves a model as two files: <c>NAME.bin</c> (TorchSharp weights) and <c>NAME.json</c>
/// (its <see cref="ModelCard"/>). Loading rebuilds the module from the card, then loads weights.
/// Both files may come from anywhere, so every field is checked before anything is built.
/// </summary>
public static class ModelStore
{
    // Far above any real card (a few hundred bytes), far below a read that hurts.
    private const long MaxCardBytes = 1 << 20;
    private const long MaxInputValues = 1 << 24;
    private const int MaxClasses = 100_000;

    public static void Save(nn.Module module, ModelCard card, string weightsPath) =>
        Save(module.state_dict(), card, weightsPath);

    /// <summary>Saves weights held outside a module (a kept best epoch), in the same format as a module.</summary>
    public static void Save(IReadOnlyCollection<KeyValuePair<string, Tensor>> weights, ModelCard card, string weightsPath)
    {
        AtomicFile.Write(weightsPath, temporary =>
        {
            using var stream = new FileStream(temporary, FileMode.Create, FileAccess.ReadWrite);
            using var writer = new BinaryWriter(stream);
            TensorFile.Write(writer, weights);
            writer.Flush();
            WeightsChecksum.Append(stream);
        });
        AtomicFile.WriteAllText(CardPath(weightsPath), Json.Serialize(card));
    }

    public static string CardPath(string weightsPath) => Path.ChangeExtension(weightsPath, ".json");

    public static ModelCard ReadCard(string weightsPath)
    {
        if (!File.Exists(weightsPath)) throw Export.ModelLocator.Missing("model", weightsPath);
        var cardPath = CardPath(weightsPath);
        if (File.Exists(cardPath) && new FileInfo(cardPath).Length > MaxCardBytes)
            throw new DistillException($"The model metadata '{cardPath}' is larger than any model card ({new FileInfo(cardPath).Length:N0} bytes).");
        var card = Json.Read<ModelCard>(cardPath, "model metadata");
        if (card.Spec is null || card.Dataset is null || card.InputShape is null || card.InputShape.Length is 0 or > 4
            || card.InputShape.Any(d => d is <= 0 or > 4096) || card.InputShape.Aggregate(1.0, (a, d) => a * d) > MaxInputValues)
            throw new DistillException($"The model metadata '{cardPath}' lacks a spec, a data set or a valid input shape.");
        if (card.ClassCount is < 2 or > MaxClasses)
            throw new DistillException($"The model metadata '{cardPath}' claims {card.ClassCount} classes; a classifier has between 2 and {MaxClasses}.");
        if (card.Normalization is { } n && (n.Mean is null || n.Std is null || n.Mean.Length != n.Std.Length || n.Mean.Length is 0 or > 1 << 20
                                            || n.Mean.Any(v => !double.IsFinite(v)) || n.Std.Any(v => !double.IsFinite(v) || v <= 0)))
            throw new DistillException($"The model metadata '{cardPath}' has an invalid normalisation: means and positive standard deviations, one per channel.");
        if (card.ClassNames is { } names && (names.Count != card.ClassCount || names.Any(n => n is null)))
            throw new DistillException($"The model metadata '{cardPath}' names {card.ClassNames.Count} classes but claims {card.ClassCount}.");
        if (card.ModuleType is not null && (!UserModules.IsModuleSpec(card.Spec) || card.Layers is null || card.Layers.Any(l => l is null)))
            throw new DistillException($"The model metadata '{cardPath}' names a module type but not its spec 'module:TYPE' and its layers.");
        card.ClassBias?.Check(card.ClassCount, $"the model metadata '{cardPath}'");
        if (card.Columns is { } columns && (columns.Count != card.InputShape.Aggregate(1L, (a, d) => a * d) || columns.Any(c => c is null)))
            throw new DistillException($"The model metadata '{cardPath}' names {columns.Count} columns but its input shape is {string.Join("x", card.InputShape)}.");
        return card;
    }

    /// <summary>
    /// Builds the model the card describes and loads its weights. A user's own module (the card names
    /// its type) is rebuilt from a loaded assembly or from <paramref name="assembly"/>, never from a path
    /// the card records; see <see cref="ModelSource"/>.
    /// </summary>
    public static (nn.Module<Tensor, Tensor> Model, ModelCard Card) Load(string weightsPath, Device? device = null, string? assembly = null)
    {
        var card = ReadCard(weightsPath);
        if (card.ModuleType is not null) return (Quantized(Into(UserModules.Create(card, weightsPath, assembly), weightsPath, card.Spec, device), card), card);
        var spec = ModelSpec.Parse(card.Spec);
        // A card describing a huge model next to a small weights file must not make us build it.
        var (parameters, _) = ModelSize.Estimate(spec, card.InputShape, card.ClassCount);
        var length = new FileInfo(weightsPath).Length;
        if (parameters * sizeof(float) > length)
            throw new DistillException(
                $"Model file '{weightsPath}' does not hold valid weights for '{card.Spec}': it has {length:N0} bytes, too few for the {parameters:N0} parameters its metadata describes.");
        return (Quantized(Into(ModelBuilder.Build(spec, card.InputShape, card.ClassCount), weightsPath, card.Spec, device), card), card);
    }

    /// <summary>A model trained quantization-aware computes as it trained: fake-quantised on its recorded ranges.</summary>
    private static nn.Module<Tensor, Tensor> Quantized(nn.Module<Tensor, Tensor> model, ModelCard card)
    {
        if (card.QuantizationAware is not { } ranges) return model;
        try
        {
            Quantization.QuantizationAwareModel.Prepare(model, ranges, sampleShape: card.InputShape);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary><paramref name="model"/> holding the weights in <paramref name="weightsPath"/>; disposed when they do not fit.</summary>
    public static nn.Module<Tensor, Tensor> Into(nn.Module<Tensor, Tensor> model, string weightsPath, string spec, Device? device = null)
    {
        try
        {
            LoadWeights(model, weightsPath, spec);
        }
        catch
        {
            model.Dispose();
            throw;
        }
        return device is null ? model : model.to(device);
    }

    /// <summary>
    /// Loads weights into an already built module. The file must hold exactly the module's
    /// tensors with their shapes and finite values; anything else is one clear error.
    /// </summary>
    public static void LoadWeights(nn.Module module, string weightsPath, string spec)
    {
        var what = $"Model file '{weightsPath}'";
        if (!File.Exists(weightsPath)) throw new DistillException($"{what} does not exist.");
        var target = module.state_dict();
        Dictionary<string, Tensor> loaded;
        try
        {
            loaded = TensorFile.ReadMatching(weightsPath, target, what);
        }
        catch (DistillException e)
        {
            throw new DistillException($"{e.Message.TrimEnd('.')}, so it does not hold valid weights for '{spec}'.");
        }
        try
        {
            if (loaded.FirstOrDefault(kv => kv.Value.is_floating_point() && !kv.Value.isfinite().all().item<bool>()) is { Key: { } bad })
                throw new DistillException($"{what} holds NaN or infinite values in '{bad}', so it does not hold valid weights for '{spec}'.");
            using var noGrad = no_grad();
            foreach (var (name, tensor) in loaded) target[name].copy_(tensor);
        }
        finally
        {
            foreach (var tensor in loaded.Values) tensor.Dispose();
        }
    }
}
