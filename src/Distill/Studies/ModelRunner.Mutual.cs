using System.Diagnostics;
using Distill.Evaluation;
using Distill.Models;
using Distill.Runs;
using Distill.Training;
using static TorchSharp.torch;

namespace Distill.Studies;

/// <summary>Deep mutual learning's two kinds of role (<see cref="MutualPlan"/>): the cohort, and a peer taken out of it.</summary>
public sealed partial class ModelRunner
{
    private const string CohortFile = "cohort.json";

    /// <summary>
    /// Trains the peers of <paramref name="mutual"/> together as one <see cref="MutualCohort"/>: one
    /// training state holds every peer's weights, the optimizer's state for all of them and the
    /// generators, so a killed run resumes exactly. Before outcome.json marks the cohort finished,
    /// each peer's best and last weights go into peer-N/ under its folder, where its own role reads them.
    /// </summary>
    public (nn.Module<Tensor, Tensor> Model, ModelOutcome Outcome) TrainCohort(string name, MutualOptions mutual, TrainingOptions training)
    {
        var checkpoints = _folder.Subfolder(name);
        var outcomePath = Path.Combine(checkpoints, OutcomeFile);
        var cards = mutual.Peers.Select((spec, i) => new ModelCard(spec, _data.Train.SampleShape, _data.Info.ClassCount, 0, _data.Info.Name, $"peer-{i + 1}").WithData(_data.Info)).ToList();
        if (_resume && File.Exists(outcomePath)) return ReloadCohort(name, mutual, checkpoints, outcomePath);
        _observer.Messages?.Report($"Training {name}: {mutual}, {training}");
        var peers = new List<nn.Module<Tensor, Tensor>>();
        foreach (var (spec, i) in mutual.Peers.Select((spec, i) => (spec, i)))
        {
            manual_seed(training.Seed + i);
            peers.Add(ModelBuilder.Build(ModelSpec.Parse(spec), _data.Train.SampleShape, _data.Info.ClassCount));
        }
        var cohort = new MutualCohort(peers);
        cards = cards.Select((card, i) => card with { Parameters = ModelBuilder.CountParameters(peers[i]) }).ToList();
        return FinishRole(cohort, null, checkpoints, () =>
        {
            var clock = Stopwatch.StartNew();
            var trainer = new Trainer(training, new ForwardingProgress(_observer.Training, _metrics), _cancellation);
            (EvaluationResult Result, TestPredictions Predictions)? last = null;
            var result = trainer.Train(name, cohort, _data.Train, _data.Validation, new MutualObjective(mutual.MimicryWeight, mutual.Temperature), null, checkpoints,
                lastEpochWeights: m =>
                {
                    last = Test(name, m);
                    SavePeers(cohort, cards, checkpoints, "last.bin");
                }, resume: _resume);
            SavePeers(cohort, cards, checkpoints, "best.bin");
            var (card, description) = DescribeCohort(mutual, cards, checkpoints);
            var bestIsLast = result.History.Count > 0 && result.BestEpoch == result.History[^1].Epoch;
            return Describe(ModelRole.Peer, cohort, card, description, checkpoints, $"{training}, {mutual}", last!.Value, bestIsLast,
                result.History, result.BestEpoch, clock.Elapsed.TotalSeconds) with { SizeBytes = PeerBytes(mutual, checkpoints) };
        });
    }

    /// <summary>
    /// Peer <paramref name="name"/> of a cohort that has finished: its weights at the cohort's best epoch
    /// (best.bin) and last (last.bin), tested as a model of its own; its epochs are the cohort's.
    /// </summary>
    public (nn.Module<Tensor, Tensor> Model, ModelOutcome Outcome) Peer(string name, string spec, ModelOutcome cohort)
    {
        var checkpoints = _folder.Subfolder(name);
        var outcomePath = Path.Combine(checkpoints, OutcomeFile);
        if (_resume && File.Exists(outcomePath)) return Reload(ModelRole.Peer, name, spec, checkpoints, outcomePath, null);
        var best = Path.Combine(checkpoints, "best.bin");
        var (model, card) = ModelStore.Load(best);
        return FinishRole(model, null, checkpoints, () =>
        {
            (EvaluationResult Result, TestPredictions Predictions) last;
            using (var lastModel = ModelStore.Load(Path.Combine(checkpoints, "last.bin")).Model)
                last = Evaluator.EvaluateWithPredictions(lastModel, _data.Test);
            return Describe(ModelRole.Peer, model, card, best, checkpoints, cohort.Hyperparameters, last, cohort.BestEpoch == cohort.EpochsRun, [], cohort.BestEpoch, 0)
                with { EpochsRun = cohort.EpochsRun, TrainingSeconds = cohort.TrainingSeconds };
        });
    }

    /// <summary>A cohort an interrupted run finished, rebuilt from its peers' best weights.</summary>
    private (nn.Module<Tensor, Tensor> Model, ModelOutcome Outcome) ReloadCohort(string name, MutualOptions mutual, string checkpoints, string outcomePath)
    {
        _observer.Messages?.Report($"Reusing {name}: finished before the run was interrupted");
        var outcome = Json.Read<ModelOutcome>(outcomePath, "model outcome");
        if (outcome.Role != ModelRole.Peer || outcome.Spec != CohortSpec(mutual) || outcome.History is null)
            throw new DistillException($"The model outcome '{outcomePath}' does not describe the mutual-learning cohort of this run.");
        var cohort = new MutualCohort(mutual.Peers.Select((_, i) => ModelStore.Load(Path.Combine(checkpoints, $"peer-{i + 1}", "best.bin")).Model).ToList());
        foreach (var record in outcome.History) _metrics.Append(record);
        return (cohort, outcome with { WeightsPath = Path.Combine(checkpoints, CohortFile), PredictionsPath = Path.Combine(checkpoints, TestPredictions.FileName) });
    }

    private static void SavePeers(MutualCohort cohort, IReadOnlyList<ModelCard> cards, string checkpoints, string file)
    {
        for (var i = 0; i < cards.Count; i++)
        {
            var folder = Directory.CreateDirectory(Path.Combine(checkpoints, $"peer-{i + 1}")).FullName;
            ModelStore.Save(cohort.Peers[i], cards[i], Path.Combine(folder, file));
        }
    }

    /// <summary>The cohort's card and cohort.json, which names its peers: its weights are theirs.</summary>
    private (ModelCard Card, string Description) DescribeCohort(MutualOptions mutual, IReadOnlyList<ModelCard> cards, string checkpoints)
    {
        var card = new ModelCard(CohortSpec(mutual), _data.Train.SampleShape, _data.Info.ClassCount, cards.Sum(c => c.Parameters), _data.Info.Name, Path.GetFileName(checkpoints));
        var description = Path.Combine(checkpoints, CohortFile);
        AtomicFile.WriteAllText(description, Json.Serialize(new { mutual.MimicryWeight, mutual.Temperature, mutual.Peers }));
        return (card, description);
    }

    private static long PeerBytes(MutualOptions mutual, string checkpoints) =>
        mutual.Peers.Select((_, i) => new FileInfo(Path.Combine(checkpoints, $"peer-{i + 1}", "best.bin")).Length).Sum();

    private static string CohortSpec(MutualOptions mutual) => "mutual:" + string.Join("+", mutual.Peers);
}
