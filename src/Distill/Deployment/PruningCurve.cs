using Distill.Export;
using Distill.Models;
using Distill.Pruning;
using Distill.Runs;
using Distill.Studies;
using static TorchSharp.torch;

namespace Distill.Deployment;

/// <summary>
/// The accuracy / sparsity / latency curve of a run's student: for each sparsity, magnitude pruning
/// and for each channel share, channel pruning, each fine-tuned (by distillation from the run's teacher, or on the labels alone)
/// as a role of the study pipeline (<see cref="EdgeFineTune"/>), then exported and measured like the models of the edge table.
/// Written to the run's prune/ folder.
/// </summary>
public static class PruningCurve
{
    public const string FolderName = "prune";

    /// <param name="observer">Progress messages and the fine-tunes' epochs.</param>
    /// <param name="resume">Continue an interrupted curve in the run's prune/ folder (same options): finished models are
    /// reused, the interrupted fine-tune continues from its last whole epoch.</param>
    public static EdgeReport Run(string runFolder, IReadOnlyList<double> sparsities, IReadOnlyList<double> channelFractions, EdgeOptions options,
        StudyObserver? observer = null, bool resume = false, CancellationToken cancellation = default)
    {
        options.Validate();
        if (sparsities.Count + channelFractions.Count == 0) throw new DistillException("Give at least one sparsity or channel share to prune to.");
        foreach (var s in sparsities)
            if (!(s >= 0 && s < 1)) throw new DistillException($"The sparsity must be at least 0 and below 1, not {s}.");
        foreach (var f in channelFractions)
            if (!(f >= 0 && f < 1)) throw new DistillException($"The share of channels to prune must be at least 0 and below 1, not {f}.");
        var studentWeights = Path.Combine(runFolder, ModelLocator.DistilledWeights);
        if (channelFractions.Count > 0 && File.Exists(studentWeights) && ModelStore.ReadCard(studentWeights).Spec is var spec && ModelSpec.Parse(spec).Zoo is not null)
            throw new DistillException($"Channel pruning narrows mlp: and cnn: models; '{spec}' is a zoo architecture whose widths its spec fixes (use --sparsity for it).");

        EdgeRun.CheckResumable(runFolder, FolderName, "prune", resume);
        var messages = observer?.Messages;
        using var run = EdgeRun.Open(runFolder, messages);
        var output = run.Output(FolderName, "prune", resume);
        var measure = new EdgeMeasurer(run, options.Latency, messages);
        var rows = new List<EdgeRow>();
        var (student, card) = ModelStore.Load(run.StudentPath);
        using (student)
        {
            student.eval();
            var onnx = output.File("student.onnx");
            WriteOnnx(student, card, onnx);
            rows.Add(measure.Onnx("student", card.Spec, onnx, card.Parameters, card.Parameters));
        }
        List<(string Name, PruningStart Start)> models =
        [
            .. sparsities.Select(s => ($"sparsity-{s * 100:0.#}", PruningStart.Magnitude(run.StudentPath, s, options.Scope))),
            .. channelFractions.Select(f => ($"channels-{f * 100:0.#}", PruningStart.Channels(run.StudentPath, f))),
        ];
        if (models.GroupBy(m => m.Name).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new DistillException($"The curve has {twice.Key} twice; give each sparsity and channel share once.");
        var settings = new { Sparsities = sparsities, ChannelFractions = channelFractions, Options = options };
        var outcomes = EdgeFineTune.Run(run, output, options, models, "prune", settings, observer, resume, cancellation);
        foreach (var ((name, _), outcome) in models.Zip(outcomes))
        {
            var (model, modelCard) = ModelStore.Load(outcome.WeightsPath);
            using (model) rows.Add(ExportAndMeasure(measure, name, model, modelCard, output.Path));
        }
        var report = new EdgeReport(runFolder, run.Data.Info.Name, run.Data.Test.Count, options, rows, null, DateTimeOffset.Now);
        AtomicFile.WriteAllText(output.File("curve.json"), Json.Serialize(report));
        AtomicFile.WriteAllText(output.File("curve.md"), report.Markdown());
        return report;
    }

    /// <summary>The fine-tuned model's ONNX file, beside its folder; the curve's row is the ONNX Runtime one (the deployed form).</summary>
    private static EdgeRow ExportAndMeasure(EdgeMeasurer measure, string name, nn.Module<Tensor, Tensor> model, ModelCard card, string output)
    {
        model.eval();
        var onnx = Path.Combine(output, name + ".onnx");
        WriteOnnx(model, card, onnx);
        return measure.Onnx(name, card.Spec, onnx, card.Parameters, EdgeMeasurer.Nonzero(model));
    }

    /// <summary>The model's ONNX file; a quantization-aware model's is the int8 file on its own ranges, what it trained to be.</summary>
    private static void WriteOnnx(nn.Module<Tensor, Tensor> model, ModelCard card, string path)
    {
        var exported = OnnxExporter.Export(model, card);
        AtomicFile.WriteAllBytes(path, card.QuantizationAware is { } ranges ? OnnxQuantizer.Quantize(exported, ranges) : exported);
    }
}
