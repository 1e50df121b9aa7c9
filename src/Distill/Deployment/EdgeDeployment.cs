using Distill.Export;
using Distill.Models;
using Distill.Pruning;
using Distill.Runs;
using Distill.Studies;
using Distill.Teachers;
using Microsoft.ML.OnnxRuntime;
using static TorchSharp.torch;

namespace Distill.Deployment;

/// <summary>
/// The whole edge path for a finished run, written to its deploy/ folder: the student exported to
/// ONNX (and checked against TorchSharp on the test set), magnitude-pruned and channel-pruned copies
/// fine-tuned by distillation from the run's teacher (or on the labels) as roles of the study pipeline
/// (<see cref="EdgeFineTune"/>), the int8 QDQ model of the student, and every
/// model (teacher included) measured for test accuracy, size, parameters and latency.
/// </summary>
public static class EdgeDeployment
{
    public const string FolderName = "deploy";

    /// <param name="observer">Progress messages and the fine-tunes' epochs.</param>
    /// <param name="resume">Continue an interrupted deploy in the run's deploy/ folder (same options): finished models are
    /// reused, the interrupted fine-tune continues from its last whole epoch.</param>
    public static EdgeReport Run(string runFolder, EdgeOptions options, StudyObserver? observer = null, bool resume = false, CancellationToken cancellation = default)
    {
        options.Validate();
        EdgeRun.CheckResumable(runFolder, FolderName, "deploy", resume);
        var messages = observer?.Messages;
        using var run = EdgeRun.Open(runFolder, messages);
        var folder = run.Output(FolderName, "deploy", resume);
        var output = folder.Path;
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

        // The magnitude-pruned and channel-pruned students, fine-tuned as roles of the study pipeline.
        var models = new List<(string Name, PruningStart Start)>();
        if (options.Sparsity > 0) models.Add(("pruned", PruningStart.Magnitude(run.StudentPath, options.Sparsity, options.Scope)));
        if (options.ChannelFraction > 0 && ModelSpec.Parse(card.Spec).Zoo is null) models.Add(("slim", PruningStart.Channels(run.StudentPath, options.ChannelFraction)));
        else if (options.ChannelFraction > 0)
            messages?.Report($"No channel pruning: {card.Spec} is a zoo architecture whose widths its spec fixes");
        var outcomes = EdgeFineTune.Run(run, folder, options, models, "deploy", options, observer, resume, cancellation);
        foreach (var ((name, _), outcome) in models.Zip(outcomes))
        {
            var (model, modelCard) = ModelStore.Load(outcome.WeightsPath);
            using (model) rows.AddRange(ExportAndMeasure(measure, name, model, modelCard, outcome.WeightsPath, output));
        }

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

    /// <summary>The fine-tuned model's rows: its weights under TorchSharp, and its ONNX file (written beside its folder) under ONNX Runtime.</summary>
    private static IEnumerable<EdgeRow> ExportAndMeasure(EdgeMeasurer measure, string name, nn.Module<Tensor, Tensor> model, ModelCard card, string weights, string output)
    {
        model.eval();
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
