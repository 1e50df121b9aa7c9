using Distill.Models;
using static TorchSharp.torch;

namespace Distill.Teachers;

/// <summary>
/// A teacher trained in another framework and loaded from its file: an ONNX model run by ONNX
/// Runtime (<see cref="OnnxTeacher"/>) or a TorchScript program run by libtorch
/// (<see cref="TorchScriptTeacher"/>). It is a frozen module like any teacher, so caching,
/// evaluation and latency work unchanged; it differs in two ways: its input shape and classes are
/// checked against the data by running it, and its inner layers are out of reach.
/// </summary>
public abstract class ImportedTeacher : nn.Module<Tensor, Tensor>
{
    protected ImportedTeacher(string name, string path) : base(name)
    {
        FilePath = path;
    }

    /// <summary>The file the teacher was loaded from.</summary>
    public string FilePath { get; }

    /// <summary>"ONNX" or "TorchScript", as messages and tables name it.</summary>
    public abstract string Format { get; }

    /// <summary>Number of weights the file holds.</summary>
    public abstract long ParameterCount { get; }

    /// <summary>True for the file kinds this class loads: .onnx, and TorchScript's .pt, .pth, .ts.</summary>
    public static bool IsImported(string path) =>
        Path.GetExtension(path).ToLowerInvariant() is ".onnx" or ".pt" or ".pth" or ".ts";

    /// <summary>Loads the teacher in <paramref name="path"/> by its extension and checks it fits the data.</summary>
    public static ImportedTeacher Load(string path, string dataset, int classCount, IReadOnlyList<long> sampleShape)
    {
        if (!File.Exists(path)) throw Export.ModelLocator.Missing("teacher", path);
        var onnx = Path.GetExtension(path).Equals(".onnx", StringComparison.OrdinalIgnoreCase);
        if (!onnx)
        {
            // Both checks before libtorch sees the file in this process: a state_dict is named as
            // such, and a script that aborts or hangs does so in a child.
            TorchArchive.RefuseWithoutCode(path);
            TorchScriptProbe.Check(path, sampleShape, TeacherTimeLimit.Current);
        }
        ImportedTeacher teacher = onnx ? OnnxTeacher.Load(path) : TorchScriptTeacher.Load(path);
        try
        {
            teacher.CheckFits(dataset, classCount, sampleShape);
            return teacher;
        }
        catch
        {
            teacher.Dispose();
            throw;
        }
    }

    /// <summary>The card a loaded teacher shows in results: its format and file name as the spec.</summary>
    public ModelCard Card(string dataset, int classCount, IReadOnlyList<long> sampleShape) =>
        new($"{Format.ToLowerInvariant()}:{Path.GetFileName(FilePath)}", [.. sampleShape], classCount, ParameterCount, dataset, "teacher");

    /// <summary>Why feature methods cannot use this teacher, as one sentence.</summary>
    public string NoLayersMessage =>
        $"The teacher '{FilePath}' is an imported {Format} model whose inner layers Distill cannot read, so only the logit methods (kd, dkd, ls) apply to it.";

    /// <summary>
    /// Refuses data the teacher was not made for (another input rank, channel count, size or class
    /// count), in one sentence, by what the file declares and by running a batch of zeros.
    /// </summary>
    public virtual void CheckFits(string dataset, int classCount, IReadOnlyList<long> sampleShape)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var probe = ProbeBatch(sampleShape);
        var logits = Probe(probe);
        if (logits.dim() != 2 || logits.shape[0] != 2)
            throw new DistillException(
                $"The teacher '{FilePath}' returns outputs of shape {Shape(logits.shape)} for a batch of 2, not logits of shape [batch, classes].");
        if (logits.shape[1] != classCount)
            throw new DistillException($"The teacher '{FilePath}' predicts {logits.shape[1]} classes but {dataset} has {classCount}.");
    }

    /// <summary>The batch a loaded teacher must answer first: two inputs of zeros.</summary>
    internal static Tensor ProbeBatch(IReadOnlyList<long> sampleShape) => zeros([2, .. sampleShape]);

    /// <summary>
    /// The forward pass of the probe batch; a format whose runtime can be stopped from another thread
    /// bounds it by <see cref="TeacherTimeLimit"/>.
    /// </summary>
    protected virtual Tensor Probe(Tensor input) => forward(input);

    /// <summary>The sentence for a forward pass that failed inside the runtime.</summary>
    protected DistillException Failed(Tensor input, Exception e) =>
        new($"The teacher '{FilePath}' fails on inputs of shape {Shape(input.shape)}: {FirstLine(e.Message)}");

    protected static string Shape(IEnumerable<long> shape) => "[" + string.Join(", ", shape) + "]";

    /// <summary>The first line of a native error, which is the readable part; the rest is a stack.</summary>
    protected static string FirstLine(string message)
    {
        var line = message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "unknown error";
        if (line.Length > 300) line = line[..300] + "...";
        return line.TrimEnd('.') + ".";
    }
}
