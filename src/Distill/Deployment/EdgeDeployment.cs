using Distill.Export;
using Distill.Models;
using Distill.Pruning;
using Distill.Runs;
using Distill.Teachers;
using Distill.Training;
using Microsoft.ML.OnnxRuntime;
using static TorchSharp.torch;

namespace Distill.Deployment;

/// <summary>
/// The whole edge path for a finished run, written to its deploy/ folder: the student exported to
/// ONNX (and checked against TorchSharp on the test set), magnitude-pruned and channel-pruned copies
/// fine-tuned by distillation from the run's teacher, the int8 QDQ model of the student, and every
/// model (teacher included) measured for test accuracy, size, parameters and latency.
/// </summary>
public static class EdgeDeployment
{
    public const string FolderName = "deploy";

    public static EdgeReport Run(string runFolder, EdgeOptions options, IProgress<string>? messages = null, IProgress<TrainingProgress>? training = null)
    {
        options.Validate();
        using var run = EdgeRun.Open(runFolder, messages);
        var output = Path.Combine(runFolder, FolderName);
        // Its files are rewritten each time, so a teacher or student kept there would be written over while read.
        OutputFile.CheckFolder(output, [run.TeacherPath, ModelStore.CardPath(run.TeacherPath), run.StudentPath, ModelStore.CardPath(run.StudentPath)], "deploy");
        Directory.CreateDirectory(output);
        var rows = new List<EdgeRow>();
        var measure = new EdgeMeasurer(run, options.Latency, messages);

        // The teacher, as the run has it, and as ONNX where it is a Distill model.
        var teacherSpec = run.Teacher is ImportedTeacher imported ? imported.Card(run.Data.Info.Name, run.Data.Info.ClassCount, run.Data.Train.SampleShape).Spec : ModelStore.ReadCard(run.TeacherPath).Spec;
        var teacherParameters = run.Teacher is ImportedTeacher i ? i.ParameterCount : ModelBuilder.CountParameters(run.Teacher);
        if (Path.GetExtension(run.TeacherPath).Equals(".onnx", StringComparison.OrdinalIgnoreCase))
            rows.Add(measure.Onnx("teacher", teacherSpec, run.TeacherPath, teacherParameters, teacherParameters));
        else
        {
            rows.Add(measure.Module("teacher", teacherSpec, run.Teacher, run.TeacherPath));
            if (run.Teacher is not ImportedTeacher)
            {
                var teacherOnnx = Path.Combine(output, "teacher.onnx");
                OnnxExporter.Save(run.Teacher, ModelStore.ReadCard(run.TeacherPath), teacherOnnx);
                rows.Add(measure.Onnx("teacher", teacherSpec, teacherOnnx, teacherParameters, teacherParameters));
            }
        }

        // The student and its ONNX file, checked against each other on the test set.
        var (student, card) = ModelStore.Load(run.StudentPath);
        double difference;
        var studentOnnx = Path.Combine(output, "student.onnx");
        using (student)
        {
            student.eval();
            OnnxExporter.Save(student, card, studentOnnx);
            difference = MaxDifference(student, studentOnnx, run.Data.Test.Features);
            messages?.Report($"Exported the student to {studentOnnx}; its logits under ONNX Runtime differ from TorchSharp's by at most {difference:G3} on the test set");
            rows.Add(measure.Module("student", card.Spec, student, run.StudentPath));
            rows.Add(measure.Onnx("student", card.Spec, studentOnnx, card.Parameters, card.Parameters));
        }

        if (options.Sparsity > 0)
        {
            var (pruned, prunedCard) = ModelStore.Load(run.StudentPath);
            using (pruned)
            {
                using var masks = MagnitudePruning.Prune(pruned, options.Sparsity, options.Scope);
                messages?.Report($"Pruned {masks.Sparsity:P1} of the student's weights ({options.Scope}); fine-tuning {options.FineTuneEpochs} epoch(s) {options.FineTuneDescription}");
                if (options.FineTuneEpochs > 0) run.FineTune("pruned", pruned, masks, options.FineTuneEpochs, training, options.FineTune, options.QuantizationAware);
                rows.AddRange(SaveAndMeasure(measure, "pruned", pruned, prunedCard with { Role = "pruned" }, output));
            }
        }

        if (options.ChannelFraction > 0 && ModelSpec.Parse(card.Spec).Zoo is null)
        {
            var (original, originalCard) = ModelStore.Load(run.StudentPath);
            using (original)
            {
                var (slim, slimCard) = ChannelPruning.Prune(original, originalCard, options.ChannelFraction);
                using (slim)
                {
                    messages?.Report($"Removed {options.ChannelFraction:P0} of each layer's channels: {card.Spec} ({card.Parameters:N0} parameters) became {slimCard.Spec} ({slimCard.Parameters:N0}); fine-tuning {options.FineTuneEpochs} epoch(s) {options.FineTuneDescription}");
                    if (options.FineTuneEpochs > 0) run.FineTune("slim", slim, null, options.FineTuneEpochs, training, options.FineTune, options.QuantizationAware);
                    rows.AddRange(SaveAndMeasure(measure, "slim", slim, slimCard with { Role = "slim" }, output));
                }
            }
        }
        else if (options.ChannelFraction > 0)
            messages?.Report($"No channel pruning: {card.Spec} is a zoo architecture whose widths its spec fixes");

        var int8 = Path.Combine(output, "student-int8.onnx");
        // A student trained quantization-aware is quantized on its own observed ranges, as it trained.
        AtomicFile.WriteAllBytes(int8, card.QuantizationAware is { } learned
            ? OnnxQuantizer.Quantize(File.ReadAllBytes(studentOnnx), learned, messages)
            : OnnxQuantizer.Quantize(File.ReadAllBytes(studentOnnx), run.Data.Train.Features, options.Quantization, messages));
        rows.Add(measure.Onnx("int8", card.Spec, int8, card.Parameters, card.Parameters));

        var report = new EdgeReport(runFolder, run.Data.Info.Name, run.Data.Test.Count, options, rows, difference, DateTimeOffset.Now);
        AtomicFile.WriteAllText(Path.Combine(output, EdgeReport.JsonFile), Json.Serialize(report));
        AtomicFile.WriteAllText(Path.Combine(output, EdgeReport.MarkdownFile), report.Markdown());
        AtomicFile.WriteAllText(Path.Combine(output, EdgeReport.HtmlFile), report.Html());
        return report;
    }

    private static IEnumerable<EdgeRow> SaveAndMeasure(EdgeMeasurer measure, string name, nn.Module<Tensor, Tensor> model, ModelCard card, string output)
    {
        model.eval();
        // A fine-tune that ran quantization-aware has ranges of its own; one that did not has none.
        card = card with { QuantizationAware = Quantization.QuantizationAwareModel.Of(model)?.Ranges() };
        var weights = Path.Combine(output, name, "best.bin");
        Directory.CreateDirectory(Path.GetDirectoryName(weights)!);
        ModelStore.Save(model, card, weights);
        var onnx = Path.Combine(output, name + ".onnx");
        OnnxExporter.Save(model, card, onnx);
        var nonzero = EdgeMeasurer.Nonzero(model);
        return [measure.Module(name, card.Spec, model, weights), measure.Onnx(name, card.Spec, onnx, card.Parameters, nonzero)];
    }

    /// <summary>Largest absolute difference between TorchSharp's logits and ONNX Runtime's on <paramref name="features"/>.</summary>
    public static double MaxDifference(nn.Module<Tensor, Tensor> model, string onnxPath, Tensor features)
    {
        using var session = new InferenceSession(onnxPath);
        using var runOptions = new RunOptions();
        double largest = 0;
        for (long start = 0; start < features.shape[0]; start += 256)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var batch = features.narrow(0, start, Math.Min(256, features.shape[0] - start)).to(ScalarType.Float32).contiguous();
            var expected = model.call(batch);
            using var input = OrtValue.CreateTensorValueFromMemory(batch.data<float>().ToArray(), batch.shape);
            using var outputs = session.Run(runOptions, [OnnxExporter.InputName], [input], [OnnxExporter.OutputName]);
            var actual = tensor(outputs[0].GetTensorDataAsSpan<float>().ToArray()).reshape(expected.shape);
            largest = Math.Max(largest, (expected - actual).abs().max().item<float>());
        }
        return largest;
    }
}
