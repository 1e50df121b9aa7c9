using Distill.Evaluation;
using Distill.Export;
using Distill.Models;
using Distill.Runs;
using Distill.Studies;
using Distill.Teachers;
using Microsoft.ML.OnnxRuntime;
using static TorchSharp.torch;

namespace Distill.Deployment;

/// <summary>
/// A finished run opened for the edge path: its options (config.json), its data split as the run
/// split it, its teacher (trained here or imported) and its distilled student; the folder its pruned
/// models are fine-tuned in (by <see cref="EdgeFineTune"/>, through the study pipeline) and test
/// accuracy under either runtime.
/// </summary>
public sealed class EdgeRun : IDisposable
{
    private RunFolder? _lock;

    private EdgeRun(string folder, StudyOptions config, StudyData data, nn.Module<Tensor, Tensor> teacher, string teacherPath, string studentPath)
    {
        Folder = folder;
        Config = config;
        Data = data;
        Teacher = teacher;
        TeacherPath = teacherPath;
        StudentPath = studentPath;
    }

    public string Folder { get; }

    public StudyOptions Config { get; }

    public StudyData Data { get; }

    public nn.Module<Tensor, Tensor> Teacher { get; }

    public string TeacherPath { get; }

    public string StudentPath { get; }

    public static EdgeRun Open(string folder, IProgress<string>? messages = null)
    {
        if (!Directory.Exists(folder)) throw new DistillException($"'{folder}' is not a run folder.");
        var configPath = Path.Combine(folder, "config.json");
        if (!File.Exists(configPath))
            throw new DistillException($"'{folder}' has no config.json; give the folder of a finished quickstart, distill or compare run.");
        var config = RunConfig.Read<StudyOptions>(configPath, "run configuration");
        if (config.Dataset is null || config.StudentTraining is null || config.Distillation is null)
            throw new DistillException($"'{configPath}' is not the configuration of a distillation run (an experiment keeps one per run folder: give that folder).");
        var studentPath = Path.Combine(folder, ModelLocator.DistilledWeights);
        if (!File.Exists(studentPath)) throw new DistillException($"The run folder '{folder}' has no distilled student ({ModelLocator.DistilledWeights}); is the run finished?");
        var teacherPath = config.TeacherPath ?? Path.Combine(folder, "teacher", "best.bin");
        if (!File.Exists(teacherPath)) throw new DistillException($"The run's teacher '{teacherPath}' does not exist.");

        var data = StudyData.Load(TeacherPlan.DataSelection(config), config.ValidationCount, config.StudentTraining.Seed, messages);
        try
        {
            nn.Module<Tensor, Tensor> teacher = ImportedTeacher.IsImported(teacherPath)
                ? ImportedTeacher.Load(teacherPath, data.Info.Name, data.Info.ClassCount, data.Train.SampleShape)
                : ModelStore.Load(teacherPath).Model;
            return new EdgeRun(folder, config, data, teacher, teacherPath, studentPath);
        }
        catch
        {
            data.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The run's folder <paramref name="name"/> (prune, deploy), where the pruned models are fine-tuned by
    /// <see cref="EdgeFineTune"/>: refused when the run's teacher or student lies in it (its files are
    /// rewritten), or, for <paramref name="resume"/>, when it holds no earlier <paramref name="command"/>.
    /// The run folder stays locked until this run is disposed, so no other command trains in it meanwhile.
    /// </summary>
    public RunFolder Output(string name, string command, bool resume)
    {
        CheckResumable(Folder, name, command, resume);
        OutputFile.CheckFolder(Path.Combine(Folder, name), [TeacherPath, ModelStore.CardPath(TeacherPath), StudentPath, ModelStore.CardPath(StudentPath)], command);
        _lock ??= RunFolder.Open(Folder);
        return _lock.Child(name);
    }

    /// <summary>Refuses <paramref name="resume"/> when the run's folder <paramref name="name"/> holds no earlier <paramref name="command"/> (its config.json).</summary>
    public static void CheckResumable(string runFolder, string name, string command, bool resume)
    {
        var output = Path.Combine(runFolder, name);
        if (resume && !File.Exists(Path.Combine(output, "config.json")))
            throw new DistillException($"'{output}' holds no earlier {command} to resume; run {command} without --resume.");
    }

    /// <summary>Test accuracy of a model under TorchSharp.</summary>
    public double Accuracy(nn.Module<Tensor, Tensor> model) => Evaluator.Evaluate(model, Data.Test).Accuracy;

    /// <summary>Test accuracy of an ONNX file under ONNX Runtime.</summary>
    public double Accuracy(string onnxPath)
    {
        using var session = new InferenceSession(onnxPath);
        var inputName = session.InputMetadata.Keys.Single();
        var outputName = session.OutputMetadata.Keys.First();
        using var runOptions = new RunOptions();
        long correct = 0;
        var shape = Data.Test.SampleShape;
        for (long start = 0; start < Data.Test.Count; start += 256)
        {
            using var scope = NewDisposeScope();
            var count = Math.Min(256, Data.Test.Count - start);
            var batch = Data.Test.Features.narrow(0, start, count).to(ScalarType.Float32).contiguous();
            using var input = OrtValue.CreateTensorValueFromMemory(batch.data<float>().ToArray(), [count, .. shape]);
            using var outputs = session.Run(runOptions, [inputName], [input], [outputName]);
            var logits = tensor(outputs[0].GetTensorDataAsSpan<float>().ToArray()).reshape(count, -1);
            correct += logits.argmax(1).eq(Data.Test.Labels.narrow(0, start, count)).sum().item<long>();
        }
        return (double)correct / Data.Test.Count;
    }

    public void Dispose()
    {
        Teacher.Dispose();
        Data.Dispose();
        _lock?.Dispose();
    }
}
