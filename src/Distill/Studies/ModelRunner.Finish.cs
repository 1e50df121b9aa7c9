using Distill.Evaluation;
using Distill.Models;
using Distill.Reports;
using Distill.Runs;
using Distill.Training;
using static TorchSharp.torch;

namespace Distill.Studies;

/// <summary>How every role that makes a model ends: tested, described, its pictures drawn, outcome.json written last.</summary>
public sealed partial class ModelRunner
{
    /// <summary>
    /// Runs what is left of a role once its model is built (<paramref name="work"/>: train or distil it,
    /// save it, test it, <see cref="Describe"/> it) and finishes the role the one way every role that
    /// makes a model does: its test gallery, then outcome.json. outcome.json marks the model finished,
    /// so every artefact of the model is written before it: a run killed between the two resumes into
    /// a model with all its files. When anything fails the model is released and the error goes on.
    /// </summary>
    private (nn.Module<Tensor, Tensor> Model, ModelOutcome Outcome) FinishRole(
        nn.Module<Tensor, Tensor> model, ModelSource? source, string checkpoints, Func<ModelOutcome> work)
    {
        try
        {
            var outcome = work();
            WriteGallery(model, checkpoints);
            AtomicFile.WriteAllText(Path.Combine(checkpoints, OutcomeFile), Json.Serialize(outcome));
            return (model, outcome);
        }
        catch
        {
            Release(model, source);
            throw;
        }
    }

    /// <summary>Tests <paramref name="model"/> on the test set, saying so.</summary>
    private (EvaluationResult Result, TestPredictions Predictions) Test(string name, nn.Module<Tensor, Tensor> model)
    {
        _observer.Messages?.Report($"Testing {name} on {_data.Test.Count:N0} test examples");
        return Evaluator.EvaluateWithPredictions(model, _data.Test);
    }

    /// <summary>Disposes a model built here; a user's module goes back to its source, which keeps an instance it was given.</summary>
    private static void Release(nn.Module<Tensor, Tensor> model, ModelSource? source)
    {
        if (source is null) model.Dispose();
        else source.Release(model);
    }

    /// <summary>The test gallery of a model trained here (images only), from the weights it ends with.</summary>
    private void WriteGallery(nn.Module<Tensor, Tensor> model, string checkpoints)
    {
        if (TestGallery.Applies(_data.Test.SampleShape))
            TestGallery.Write(model, _data.Test, _data.Info.Normalization, _data.Info.ClassNames, Path.Combine(checkpoints, TestGallery.FileName));
    }

    /// <summary>
    /// The model's line: its test numbers, size and latency. Its test predictions go into
    /// <paramref name="folder"/> for the report, and a distilled student on images also leaves a
    /// gallery of the test images it gets wrong (drawn now, while the images are at hand).
    /// <paramref name="last"/> is the test of the last epoch's weights; when <paramref name="lastIsBest"/>,
    /// the model holds those very weights and they are not tested again.
    /// </summary>
    private ModelOutcome Describe(
        ModelRole role, nn.Module<Tensor, Tensor> model, ModelCard card, string weights, string folder, string hyperparameters,
        (EvaluationResult Result, TestPredictions Predictions) last, bool lastIsBest, IReadOnlyList<EpochRecord> history, int bestEpoch, double seconds)
    {
        var (best, predictions) = lastIsBest ? last : Evaluator.EvaluateWithPredictions(model, _data.Test);
        var predictionsPath = Path.Combine(folder, TestPredictions.FileName);
        predictions.Save(predictionsPath);
        // A streamed test set is not held as one tensor; its model folders keep TestGallery's picture.
        if (role == ModelRole.Distilled && MisclassifiedGallery.Fits(_data.Test.SampleShape) && !_data.Test.IsStreamed)
            MisclassifiedGallery.Draw(predictions, _data.Test.Features, _data.Info.ClassNames, Path.Combine(folder, MisclassifiedGallery.FileName));
        var latency = LatencyMeter.MedianMilliseconds(model, _data.Test.SampleShape);
        return new ModelOutcome(role, card.Spec, card.Parameters, new FileInfo(weights).Length, hyperparameters,
            best.Accuracy, best.Errors, last.Result.Accuracy, last.Result.Errors, bestEpoch, history.Count, seconds, latency, weights, history, best.ConfusionMatrix)
        {
            PredictionsPath = predictionsPath,
        };
    }
}
