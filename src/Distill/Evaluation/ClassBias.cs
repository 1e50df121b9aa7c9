using System.Globalization;
using Distill.Data;

namespace Distill.Evaluation;

/// <summary>
/// A constant added to each class's logit before the argmax: Hinton, Vinyals and Dean (2015, §3,
/// arXiv:1503.02531) raised the bias of class 3 by 3.5 in a student distilled on a transfer set
/// without any 3, and it then recognised most 3s. Given per class ("3=+3.5"), or chosen
/// automatically (<see cref="Auto"/>) so that on unlabeled inputs the mean predicted probability of
/// each class equals its share of the training labels.
/// </summary>
/// <param name="Values">One bias per class, in label order.</param>
/// <param name="Source">How it was chosen: the text given, or "auto".</param>
public sealed record ClassBias(IReadOnlyList<double> Values, string Source)
{
    /// <summary>The text that asks for <see cref="Auto"/>.</summary>
    public const string AutoText = "auto";

    /// <summary>
    /// Reads "CLASS=VALUE[,CLASS=VALUE...]" (a class by name or label number, a signed number), e.g.
    /// "3=+3.5"; classes not named keep 0. Refuses any other text with one sentence.
    /// </summary>
    public static ClassBias Parse(string text, IReadOnlyList<string> classNames, string option = "--class-bias")
    {
        var values = new double[classNames.Count];
        var named = new HashSet<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            var equals = part.LastIndexOf('=');
            if (equals <= 0 || equals == part.Length - 1)
                throw new DistillException($"{option} takes CLASS=VALUE pairs separated by commas (e.g. 3=+3.5) or '{AutoText}', not '{text}'.");
            var label = ClassList.Resolve(part[..equals], classNames, option);
            var number = part[(equals + 1)..].Trim();
            if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
                throw new DistillException($"{option} gives the class '{part[..equals].Trim()}' the bias '{number}', which is not a finite number.");
            if (!named.Add(label))
                throw new DistillException($"{option} names the class '{classNames[label]}' twice.");
            values[label] = value;
        }
        return new ClassBias(values, text);
    }

    /// <summary>
    /// The bias b that makes the mean of softmax(z_i + b) over the rows equal <paramref name="frequencies"/>
    /// (summing to 1). It minimises the convex <c>mean_i logsumexp(z_i + b) − Σ_c f_c b_c</c>, whose
    /// gradient is that difference; the fixed point <c>b_c ← b_c + ln f_c − ln mean_i p_ic</c> (the prior
    /// adjustment of Saerens, Latinne and Decaestecker 2002) reaches it. Centred to mean 0, since adding one
    /// constant to every class changes nothing.
    /// </summary>
    /// <param name="logits">Row-major logits, rows × <paramref name="frequencies"/>.Length.</param>
    public static ClassBias Auto(float[] logits, IReadOnlyList<double> frequencies, IReadOnlyList<string> classNames, double tolerance = 1e-7, int maxSteps = 10_000)
    {
        var classes = frequencies.Count;
        if (logits.Length == 0 || logits.Length % classes != 0)
            throw new DistillException($"The automatic class bias needs logits of {classes} classes for at least one row.");
        for (var c = 0; c < classes; c++)
            if (frequencies[c] <= 0)
                throw new DistillException($"The class '{classNames[c]}' has no training labels, so the automatic class bias cannot match its frequency.");
        var bias = new double[classes];
        for (var step = 0; step < maxSteps; step++)
        {
            var mean = MeanProbabilities(logits, bias);
            var worst = 0.0;
            for (var c = 0; c < classes; c++)
            {
                worst = Math.Max(worst, Math.Abs(mean[c] - frequencies[c]));
                bias[c] += Math.Log(frequencies[c]) - Math.Log(Math.Max(mean[c], double.Epsilon));
            }
            if (worst < tolerance) break;
        }
        var centre = bias.Average();
        return new ClassBias([.. bias.Select(b => b - centre)], AutoText);
    }

    /// <summary>The share of each class among <paramref name="labels"/> (int64 labels below <paramref name="classCount"/>).</summary>
    public static double[] Frequencies(TorchSharp.torch.Tensor labels, int classCount)
    {
        using var counts = TorchSharp.torch.bincount(labels.to(TorchSharp.torch.ScalarType.Int64), minlength: classCount);
        var total = Math.Max(1, labels.shape[0]);
        return [.. counts.data<long>().ToArray().Take(classCount).Select(n => (double)n / total)];
    }

    /// <summary>Refuses a bias whose length is not <paramref name="classCount"/> or that holds a value that is not finite.</summary>
    public void Check(int classCount, string where)
    {
        if (Values is null || Values.Count != classCount || Values.Any(v => !double.IsFinite(v)))
            throw new DistillException($"The class bias in {where} must hold one finite number for each of the {classCount} classes.");
    }

    /// <summary>Mean over the rows of softmax(z + <paramref name="bias"/>).</summary>
    public static double[] MeanProbabilities(float[] logits, IReadOnlyList<double> bias)
    {
        var classes = bias.Count;
        var rows = logits.Length / classes;
        var mean = new double[classes];
        var row = new double[classes];
        for (var i = 0; i < rows; i++)
        {
            var max = double.NegativeInfinity;
            for (var c = 0; c < classes; c++) max = Math.Max(max, row[c] = logits[i * classes + c] + bias[c]);
            double sum = 0;
            for (var c = 0; c < classes; c++) sum += row[c] = Math.Exp(row[c] - max);
            for (var c = 0; c < classes; c++) mean[c] += row[c] / sum / rows;
        }
        return mean;
    }

    /// <summary>The same predictions with the bias added to every row's logits (and the argmax taken again).</summary>
    public TestPredictions Apply(TestPredictions predictions)
    {
        var classes = predictions.ClassCount;
        if (classes != Values.Count)
            throw new DistillException($"The class bias has {Values.Count} values but the model predicts {classes} classes.");
        var logits = new float[predictions.Logits.Length];
        var predicted = new int[predictions.Count];
        for (var i = 0; i < predictions.Count; i++)
        {
            var best = 0;
            for (var c = 0; c < classes; c++)
            {
                logits[i * classes + c] = (float)(predictions.Logits[i * classes + c] + Values[c]);
                if (logits[i * classes + c] > logits[i * classes + best]) best = c;
            }
            predicted[i] = best;
        }
        return new TestPredictions(classes, predictions.Labels, predicted, logits);
    }

    /// <summary>"3=+3.50, 5=-0.20": the classes whose bias is not 0.</summary>
    public string Describe(IReadOnlyList<string> classNames) =>
        string.Join(", ", Values.Select((v, c) => (v, c)).Where(p => p.v != 0)
            .Select(p => $"{classNames[p.c]}={(p.v > 0 ? "+" : "")}{p.v.ToString("F2", CultureInfo.InvariantCulture)}")) is { Length: > 0 } text ? text : "none";
}
