using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;
using static TorchSharp.torch;

namespace Distill.Teachers;

/// <summary>
/// A teacher in an ONNX file, run by ONNX Runtime on the CPU. The file is parsed as ONNX before
/// ONNX Runtime sees it, so anything else is refused in one sentence rather than by a native error.
/// ONNX is data, not a program: loading it runs no code of the file's author.
/// </summary>
public sealed class OnnxTeacher : ImportedTeacher
{
    // Protobuf's own ceiling for one message.
    private const long MaxBytes = int.MaxValue;

    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly string _inputName;
    private readonly string _outputName;
    private readonly int[] _inputDimensions;

    private OnnxTeacher(string path, InferenceSession session, long parameters) : base(nameof(OnnxTeacher), path)
    {
        _session = session;
        ParameterCount = parameters;
        var (inputName, input) = session.InputMetadata.Single();
        _inputName = inputName;
        _inputDimensions = input.Dimensions;
        _outputName = session.OutputMetadata.Keys.First();
    }

    public override string Format => "ONNX";

    public override long ParameterCount { get; }

    public static OnnxTeacher Load(string path)
    {
        var (session, parameters) = Open(path, "teacher", spinning: false);
        return new OnnxTeacher(path, session, parameters);
    }

    /// <summary>
    /// An ONNX Runtime session for the file in <paramref name="path"/>, after checking that it parses
    /// as ONNX, has one float32 input and a float32 output; <paramref name="noun"/> names it in errors.
    /// </summary>
    /// <param name="threads">ONNX Runtime's intra-op threads; null leaves its default (one per physical core).</param>
    /// <param name="spinning">Whether idle ONNX Runtime threads spin: best for timing it alone, but a teacher
    /// run between training steps would spin on the cores TorchSharp's threads are training on.</param>
    internal static (InferenceSession Session, long Parameters) Open(string path, string noun, int? threads = null, bool spinning = true)
    {
        if (!File.Exists(path)) throw new DistillException($"The {noun} file '{path}' does not exist.");
        var length = new FileInfo(path).Length;
        if (length > MaxBytes) throw new DistillException($"The {noun} '{path}' has {length:N0} bytes, more than an ONNX file can hold.");
        var bytes = File.ReadAllBytes(path);
        ModelProto proto;
        try
        {
            proto = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new DistillException($"The {noun} '{path}' is not an ONNX model: it does not parse as one ({FirstLine(e.Message).TrimEnd('.')}).");
        }
        if (proto.Graph is null || proto.Graph.Node.Count == 0 || proto.Graph.Output.Count == 0)
            throw new DistillException($"The {noun} '{path}' is not an ONNX model: it holds no graph with nodes and outputs.");
        var initializers = proto.Graph.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var inputs = proto.Graph.Input.Where(i => !initializers.Contains(i.Name)).ToList();
        if (inputs.Count != 1)
            throw new DistillException($"The {noun} '{path}' takes {inputs.Count} inputs; a classifier takes one batch of images.");
        var parameters = proto.Graph.Initializer.Sum(i => i.Dims.Aggregate(1L, (a, d) => a * d));

        InferenceSession session;
        try
        {
            using var options = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL };
            if (threads is { } count) options.IntraOpNumThreads = count;
            if (!spinning) options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
            session = new InferenceSession(bytes, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new DistillException($"ONNX Runtime cannot load the {noun} '{path}': {FirstLine(e.Message)}");
        }
        try
        {
            var input = session.InputMetadata.Single().Value;
            var output = session.OutputMetadata.First().Value;
            if (input.ElementType != typeof(float) || output.ElementType != typeof(float))
                throw new DistillException($"The {noun} '{path}' reads {input.ElementType.Name} and writes {output.ElementType.Name}; a classifier here reads and writes float32 tensors.");
            return (session, parameters);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    public override void CheckFits(string dataset, int classCount, IReadOnlyList<long> sampleShape)
    {
        var declared = _inputDimensions;
        var what = $"The teacher '{FilePath}' takes inputs of shape {Declared(declared)}";
        if (declared.Length != sampleShape.Count + 1)
            throw new DistillException($"{what} (rank {declared.Length}) but {dataset} has inputs of shape {Shape([-1, .. sampleShape]).Replace("-1", "batch")} (rank {sampleShape.Count + 1}).");
        if (declared[0] > 0)
            throw new DistillException($"{what}: its batch size is fixed at {declared[0]}; export it with a dynamic batch dimension (dynamic_axes in torch.onnx.export).");
        if (sampleShape.Count == 3 && declared[1] > 0 && declared[1] != sampleShape[0])
            throw new DistillException($"{what}: {declared[1]} channels, but {dataset} has {sampleShape[0]}.");
        for (var i = 1; i < declared.Length; i++)
        {
            if (declared[i] > 0 && declared[i] != sampleShape[i - 1])
                throw new DistillException($"{what} but {dataset} has inputs of size {string.Join("x", sampleShape)}.");
        }
        base.CheckFits(dataset, classCount, sampleShape);
    }

    public override Tensor forward(Tensor input) => Run(input, _runOptions);

    /// <summary>
    /// The probe batch, stopped at <see cref="TeacherTimeLimit"/>: ONNX Runtime checks a run's
    /// Terminate flag between nodes, also inside a Loop's body, so a timer on another thread can end a
    /// graph that would run for ever (a Loop whose trip count is 2^62).
    /// </summary>
    protected override Tensor Probe(Tensor input)
    {
        if (TeacherTimeLimit.Current is not { } limit) return forward(input);
        using var options = new RunOptions();
        using var timer = new CancellationTokenSource(limit);
        // Disposing the registration waits for a callback already running, so it never sets the flag on freed options.
        using (timer.Token.Register(() => options.Terminate = true))
        {
            try
            {
                return Run(input, options);
            }
            catch (DistillException) when (timer.IsCancellationRequested)
            {
                throw TeacherTimeLimit.Exceeded(FilePath, limit);
            }
        }
    }

    private Tensor Run(Tensor input, RunOptions options)
    {
        using var values = input.detach().to(ScalarType.Float32).cpu().contiguous();
        var data = values.data<float>().ToArray();
        try
        {
            using var value = OrtValue.CreateTensorValueFromMemory(data, input.shape);
            using var outputs = _session.Run(options, [_inputName], [value], [_outputName]);
            var output = outputs[0];
            if (output.OnnxType != OnnxValueType.ONNX_TYPE_TENSOR)
                throw new DistillException($"The teacher '{FilePath}' returns a {output.OnnxType}, not a tensor of logits.");
            return tensor(output.GetTensorDataAsSpan<float>().ToArray(), output.GetTensorTypeAndShape().Shape);
        }
        catch (OnnxRuntimeException e)
        {
            throw Failed(input, e);
        }
    }

    private static string Declared(int[] dimensions) => "[" + string.Join(", ", dimensions.Select((d, i) => d > 0 ? d.ToString() : i == 0 ? "batch" : "?")) + "]";

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _session.Dispose();
            _runOptions.Dispose();
        }
        base.Dispose(disposing);
    }
}
