using Distill.Export;
using Distill.Models;
using Distill.Pruning;
using Distill.Runs;
using Distill.Training;
using static TorchSharp.torch;

namespace Distill.Deployment;

/// <summary>
/// The accuracy / sparsity / latency curve of a run's student: for each sparsity, magnitude pruning
/// and for each channel share, channel pruning, each fine-tuned (by distillation from the run's teacher, or on the labels alone),
/// saved, exported and measured like the models of the edge table. Written to the run's prune/ folder.
/// </summary>
public static class PruningCurve
{
    public const string FolderName = "prune";

    public static EdgeReport Run(string runFolder, IReadOnlyList<double> sparsities, IReadOnlyList<double> channelFractions, EdgeOptions options,
        IProgress<string>? messages = null, IProgress<TrainingProgress>? training = null)
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

        using var run = EdgeRun.Open(runFolder, messages);
        var output = Path.Combine(runFolder, FolderName);
        // Its files are rewritten each time, so a teacher or student kept there would be written over while read.
        OutputFile.CheckFolder(output, [run.TeacherPath, ModelStore.CardPath(run.TeacherPath), run.StudentPath, ModelStore.CardPath(run.StudentPath)], "prune");
        Directory.CreateDirectory(output);
        var measure = new EdgeMeasurer(run, options.Latency, messages);
        var rows = new List<EdgeRow>();
        var (student, card) = ModelStore.Load(run.StudentPath);
        using (student)
        {
            student.eval();
            var onnx = Path.Combine(output, "student.onnx");
            WriteOnnx(student, card, onnx);
            rows.Add(measure.Onnx("student", card.Spec, onnx, card.Parameters, card.Parameters));
        }
        foreach (var sparsity in sparsities)
        {
            var name = $"sparsity-{sparsity * 100:0.#}";
            var (model, modelCard) = ModelStore.Load(run.StudentPath);
            using (model)
            {
                using var masks = MagnitudePruning.Prune(model, sparsity, options.Scope);
                messages?.Report($"{name}: {masks.Sparsity:P1} of the weights pruned ({options.Scope}); fine-tuning {options.FineTuneEpochs} epoch(s) {options.FineTuneDescription}");
                if (options.FineTuneEpochs > 0) run.FineTune(name, model, masks, options.FineTuneEpochs, training, options.FineTune, options.QuantizationAware);
                rows.Add(SaveAndMeasure(measure, name, model, modelCard with { Role = name }, output));
            }
        }
        foreach (var fraction in channelFractions)
        {
            var name = $"channels-{fraction * 100:0.#}";
            var (original, originalCard) = ModelStore.Load(run.StudentPath);
            using (original)
            {
                var (model, modelCard) = ChannelPruning.Prune(original, originalCard, fraction);
                using (model)
                {
                    messages?.Report($"{name}: {card.Spec} became {modelCard.Spec} ({modelCard.Parameters:N0} parameters); fine-tuning {options.FineTuneEpochs} epoch(s) {options.FineTuneDescription}");
                    if (options.FineTuneEpochs > 0) run.FineTune(name, model, null, options.FineTuneEpochs, training, options.FineTune, options.QuantizationAware);
                    rows.Add(SaveAndMeasure(measure, name, model, modelCard with { Role = name }, output));
                }
            }
        }
        var report = new EdgeReport(runFolder, run.Data.Info.Name, run.Data.Test.Count, options, rows, null, DateTimeOffset.Now);
        AtomicFile.WriteAllText(Path.Combine(output, "curve.json"), Json.Serialize(report));
        AtomicFile.WriteAllText(Path.Combine(output, "curve.md"), report.Markdown());
        return report;
    }

    /// <summary>Saves the fine-tuned model and its ONNX file; the curve's row is the ONNX Runtime one (the deployed form).</summary>
    private static EdgeRow SaveAndMeasure(EdgeMeasurer measure, string name, nn.Module<Tensor, Tensor> model, ModelCard card, string output)
    {
        model.eval();
        // A fine-tune that ran quantization-aware has ranges of its own; one that did not has none.
        card = card with { QuantizationAware = Quantization.QuantizationAwareModel.Of(model)?.Ranges() };
        var weights = Path.Combine(output, name, "best.bin");
        Directory.CreateDirectory(Path.GetDirectoryName(weights)!);
        ModelStore.Save(model, card, weights);
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
