using Distill.Evaluation;
using Distill.Models;
using Distill.Pruning;
using Distill.Quantization;
using Distill.Runs;
using static TorchSharp.torch;

namespace Distill.Studies;

/// <summary>Pruned roles (<see cref="PruningStart"/>): a finished model pruned, then fine-tuned by <see cref="Train"/> or kept as it is.</summary>
public sealed partial class ModelRunner
{
    /// <summary>
    /// A pruned model saved and tested as it is, without fine-tuning (<c>--epochs 0</c>): best.bin with its
    /// card, test predictions and outcome.json, like every finished role. A resumed run reuses it.
    /// </summary>
    public (nn.Module<Tensor, Tensor> Model, ModelOutcome Outcome) Pruned(ModelRole role, string name, string spec, PruningStart start)
    {
        var checkpoints = _folder.Subfolder(name);
        var outcomePath = Path.Combine(checkpoints, OutcomeFile);
        if (_resume && File.Exists(outcomePath)) return Reload(role, name, spec, checkpoints, outcomePath, null);
        var model = StartPruned(name, spec, start, quantizationAware: false, out var masks);
        masks?.Dispose();
        try
        {
            model.eval();
            // A student trained quantization-aware keeps its ranges; pruning without training moves none.
            var card = Card(model, spec, name, null) with { QuantizationAware = QuantizationAwareModel.Of(model)?.Ranges() };
            var weights = Path.Combine(checkpoints, "best.bin");
            ModelStore.Save(model, card, weights);
            _observer.Messages?.Report($"Testing {name} on {_data.Test.Count:N0} test examples");
            var evaluation = Evaluator.EvaluateWithPredictions(model, _data.Test);
            var outcome = Describe(role, model, card, weights, checkpoints, start.ToString(), evaluation, true, [], 0, 0);
            WriteGallery(model, checkpoints);
            AtomicFile.WriteAllText(outcomePath, Json.Serialize(outcome));
            return (model, outcome);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The finished model in <paramref name="start"/> loaded and pruned: narrowed to <paramref name="spec"/>
    /// (channel pruning), then its smallest weights zeroed (magnitude pruning, whose masks come back), then
    /// made quantization-aware when the fine-tune is, before any method's feature taps attach.
    /// </summary>
    private nn.Module<Tensor, Tensor> StartPruned(string name, string spec, PruningStart start, bool quantizationAware, out PruningMasks? masks)
    {
        masks = null;
        var (model, card) = ModelStore.Load(start.Weights);
        try
        {
            card.CheckFits("model", start.Weights, _data.Info.Name, _data.Info.ClassCount, _data.Train.SampleShape);
            if (start.ChannelFraction is { } fraction)
            {
                var (narrower, narrowerCard) = ChannelPruning.Prune(model, card, fraction);
                model.Dispose();
                model = narrower;
                _observer.Messages?.Report($"{name}: {fraction:P0} of each layer's channels removed: {card.Spec} ({card.Parameters:N0} parameters) became {narrowerCard.Spec} ({narrowerCard.Parameters:N0})");
                card = narrowerCard;
            }
            if (card.Spec != spec)
                throw new DistillException($"The pruned model in '{name}' is '{card.Spec}', not the '{spec}' its role expects.");
            if (start.Sparsity is { } sparsity)
            {
                masks = MagnitudePruning.Prune(model, sparsity, start.Scope);
                _observer.Messages?.Report($"{name}: {masks.Sparsity:P1} of the weights pruned by magnitude ({start.Scope.ToString().ToLowerInvariant()})");
            }
            if (quantizationAware) QuantizationAwareModel.Prepare(model, sampleShape: _data.Train.SampleShape);
            return model;
        }
        catch
        {
            masks?.Dispose();
            masks = null;
            model.Dispose();
            throw;
        }
    }
}
