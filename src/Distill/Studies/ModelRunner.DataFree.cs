using System.Diagnostics;
using Distill.DataFree;
using Distill.Evaluation;
using Distill.Models;
using Distill.Reports;
using Distill.Training;
using static TorchSharp.torch;

namespace Distill.Studies;

/// <summary>Data-free distillation's role (<see cref="DataFreePlan"/>): a student distilled from the teacher alone.</summary>
public sealed partial class ModelRunner
{
    /// <summary>
    /// Builds <paramref name="spec"/> from the training's seed and distils it from <paramref name="teacher"/> on
    /// synthetic inputs only (<see cref="DataFreeTrainer"/>); the test set measures it at the end, like every
    /// model. Without real validation data the last epoch is the one kept. The folder gets the student
    /// (best.bin, last epoch), its test predictions and <see cref="SyntheticGallery"/>'s picture of the inputs.
    /// A resumed run reuses a finished student and continues an unfinished one from its checkpoint (<see cref="DataFreeTrainer"/>).
    /// </summary>
    public (nn.Module<Tensor, Tensor> Model, ModelOutcome Outcome) DataFree(string name, string spec, TrainingOptions training, DataFreeOptions dataFree,
        nn.Module<Tensor, Tensor> teacher)
    {
        var checkpoints = _folder.Subfolder(name);
        var outcomePath = Path.Combine(checkpoints, OutcomeFile);
        if (_resume && File.Exists(outcomePath)) return Reload(ModelRole.Distilled, name, spec, checkpoints, outcomePath, null);
        _observer.Messages?.Report($"Distilling {name} without data: {spec}, {dataFree}, {training}");
        var shape = _data.Test.SampleShape;
        MemoryBudget.Check(ModelSpec.Parse(spec), shape, _data.Info.ClassCount, training.BatchSize);
        var (model, _) = Start(spec, training, source: null);
        return FinishRole(model, null, checkpoints, () =>
        {
            var clock = Stopwatch.StartNew();
            var trainer = new DataFreeTrainer(dataFree, training, new ForwardingProgress(_observer.Training, _metrics), _observer.Messages, _cancellation);
            var (history, samples) = trainer.Train(name, model, teacher, shape, _data.Info.ClassCount, checkpoints, _resume);
            var seconds = clock.Elapsed.TotalSeconds;
            using (samples)
            {
                long[] classes;
                using (no_grad()) classes = teacher.call(samples).argmax(1).data<long>().ToArray();
                SyntheticGallery.Write(samples, classes, _data.Info.ClassNames, Path.Combine(checkpoints, SyntheticGallery.FileName));
            }
            var card = Card(model, spec, name, null);
            var weights = Path.Combine(checkpoints, "best.bin");
            ModelStore.Save(model, card, weights);
            return Describe(ModelRole.Distilled, model, card, weights, checkpoints, $"{training}, data-free: {dataFree}", Test(name, model), true, history,
                history.Count == 0 ? 0 : history[^1].Epoch, seconds);
        });
    }
}
