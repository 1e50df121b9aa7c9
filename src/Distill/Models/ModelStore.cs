using TorchSharp;
using Distill.Runs;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distill.Models;

/// <summary>
/// Saves a model as two files: <c>NAME.bin</c> (TorchSharp weights) and <c>NAME.json</c>
/// (its <see cref="ModelCard"/>). Loading rebuilds the module from the card, then loads weights.
/// </summary>
public static class ModelStore
{
    public static void Save(nn.Module module, ModelCard card, string weightsPath)
    {
        AtomicFile.Write(weightsPath, temporary => module.save(temporary));
        AtomicFile.WriteAllText(CardPath(weightsPath), Json.Serialize(card));
    }

    public static string CardPath(string weightsPath) => Path.ChangeExtension(weightsPath, ".json");

    public static ModelCard ReadCard(string weightsPath)
    {
        if (!File.Exists(weightsPath)) throw new DistillException($"Model file '{weightsPath}' does not exist.");
        var card = Json.Read<ModelCard>(CardPath(weightsPath), "model metadata");
        if (card.Spec is null || card.InputShape is null || card.InputShape.Length == 0 || card.InputShape.Any(d => d <= 0))
            throw new DistillException($"The model metadata '{CardPath(weightsPath)}' lacks a spec or a valid input shape.");
        return card;
    }

    public static (Sequential Model, ModelCard Card) Load(string weightsPath, Device? device = null)
    {
        var card = ReadCard(weightsPath);
        var model = ModelBuilder.Build(ModelSpec.Parse(card.Spec), card.InputShape, card.ClassCount);
        LoadWeights(model, weightsPath, card.Spec);
        return (device is null ? model : model.to(device), card);
    }

    /// <summary>Loads weights into an already built module, with one clear error on a mismatch.</summary>
    public static void LoadWeights(nn.Module module, string weightsPath, string spec)
    {
        try
        {
            module.load(weightsPath, strict: true);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new DistillException(
                $"Model file '{weightsPath}' does not hold valid weights for '{spec}': {e.Message.Split('\n')[0].TrimEnd('.')}.");
        }
    }
}
