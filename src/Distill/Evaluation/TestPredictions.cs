using Distill.Runs;
using static TorchSharp.torch;

namespace Distill.Evaluation;

/// <summary>
/// A model's outputs on the test set, kept in its run folder (test-predictions.bin) so agreement,
/// calibration and per-class numbers can be recomputed by `distill report` without the model or
/// the data. Compact: per row the true and the predicted class (exact) and the logits as float16
/// (10,000 rows of 10 classes take 240 KB); probabilities come from the float16 logits.
/// </summary>
public sealed class TestPredictions
{
    public const string FileName = "test-predictions.bin";

    private static ReadOnlySpan<byte> Magic => "DPRD"u8;
    private const int Version = 1;
    private const int HeaderBytes = 16;

    public TestPredictions(int classCount, int[] labels, int[] predicted, float[] logits)
    {
        if (classCount < 1 || labels.Length != predicted.Length || logits.Length != (long)labels.Length * classCount)
            throw new ArgumentException("Labels, predictions and logits must describe the same rows and classes.");
        ClassCount = classCount;
        Labels = labels;
        Predicted = predicted;
        Logits = logits;
    }

    public int ClassCount { get; }

    public int Count => Labels.Length;

    /// <summary>True class per row.</summary>
    public int[] Labels { get; }

    /// <summary>The model's top-1 class per row, taken from the full-precision logits.</summary>
    public int[] Predicted { get; }

    /// <summary>Row-major logits, [Count, ClassCount].</summary>
    public float[] Logits { get; }

    /// <summary>The rows of <paramref name="logits"/> ([N, C]) with their <paramref name="labels"/>.</summary>
    public static TestPredictions From(Tensor logits, Tensor labels)
    {
        using var scope = NewDisposeScope();
        var classes = (int)logits.shape[1];
        var values = logits.detach().cpu().to(float32).contiguous().data<float>().ToArray();
        var predicted = logits.argmax(1).cpu().to(int32).data<int>().ToArray();
        var truth = labels.cpu().to(int32).data<int>().ToArray();
        return new TestPredictions(classes, truth, predicted, values);
    }

    /// <summary>softmax(z / <paramref name="temperature"/>) of one row, in doubles.</summary>
    public double[] Probabilities(int row, double temperature = 1)
    {
        var probabilities = new double[ClassCount];
        var offset = row * ClassCount;
        var max = double.NegativeInfinity;
        for (var c = 0; c < ClassCount; c++) max = Math.Max(max, Logits[offset + c] / temperature);
        double sum = 0;
        for (var c = 0; c < ClassCount; c++) sum += probabilities[c] = Math.Exp(Logits[offset + c] / temperature - max);
        for (var c = 0; c < ClassCount; c++) probabilities[c] /= sum;
        return probabilities;
    }

    /// <summary>Accuracy on the rows of each true class; NaN for a class the test set does not hold.</summary>
    public double[] PerClassAccuracy()
    {
        var rows = new long[ClassCount];
        var right = new long[ClassCount];
        for (var i = 0; i < Count; i++)
        {
            rows[Labels[i]]++;
            if (Predicted[i] == Labels[i]) right[Labels[i]]++;
        }
        return [.. rows.Select((n, c) => n == 0 ? double.NaN : (double)right[c] / n)];
    }

    public void Save(string path)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(Version);
            writer.Write(Count);
            writer.Write(ClassCount);
            foreach (var label in Labels) writer.Write((ushort)label);
            foreach (var prediction in Predicted) writer.Write((ushort)prediction);
            foreach (var logit in Logits) writer.Write((Half)logit);
        }
        AtomicFile.WriteAllBytes(path, buffer.ToArray());
    }

    /// <summary>Reads a file written by <see cref="Save"/>; anything else is refused with one sentence naming the file.</summary>
    public static TestPredictions Read(string path)
    {
        if (!File.Exists(path)) throw new DistillException($"Predictions file '{path}' does not exist.");
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < HeaderBytes || !bytes.AsSpan(0, 4).SequenceEqual(Magic) || BitConverter.ToInt32(bytes, 4) != Version)
            throw new DistillException($"Predictions file '{path}' is not a test-predictions file of this version.");
        var count = BitConverter.ToInt32(bytes, 8);
        var classes = BitConverter.ToInt32(bytes, 12);
        if (count < 0 || classes < 1 || classes > ushort.MaxValue || HeaderBytes + (long)count * (4 + 2L * classes) != bytes.Length)
            throw new DistillException($"Predictions file '{path}' is truncated or has a broken header.");
        using var reader = new BinaryReader(new MemoryStream(bytes, HeaderBytes, bytes.Length - HeaderBytes));
        var labels = new int[count];
        var predicted = new int[count];
        for (var i = 0; i < count; i++) labels[i] = reader.ReadUInt16();
        for (var i = 0; i < count; i++) predicted[i] = reader.ReadUInt16();
        if (labels.Concat(predicted).Any(c => c >= classes))
            throw new DistillException($"Predictions file '{path}' names a class beyond its {classes}.");
        var logits = new float[(long)count * classes];
        for (var i = 0; i < logits.Length; i++) logits[i] = (float)reader.ReadHalf();
        return new TestPredictions(classes, labels, predicted, logits);
    }
}
