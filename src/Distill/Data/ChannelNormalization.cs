using Distill.Losses;
using static TorchSharp.torch;

namespace Distill.Data;

/// <summary>
/// Per-channel standardisation, <c>x' = (x - Mean[c]) / Std[c]</c>, measured on the training set
/// and stored in the model card so evaluation applies exactly the same. Channel is dimension 1
/// of the features: the colour channel of images, the column of a table.
/// </summary>
public sealed record ChannelNormalization(double[] Mean, double[] Std)
{
    private static readonly double[] ImageNetMean = [0.485, 0.456, 0.406];
    private static readonly double[] ImageNetStd = [0.229, 0.224, 0.225];

    /// <summary>
    /// The fixed statistics <paramref name="mode"/> names for inputs of <paramref name="sampleShape"/>,
    /// or null for <see cref="InputNormalization.Dataset"/> (measured instead).
    /// </summary>
    public static ChannelNormalization? Fixed(InputNormalization mode, IReadOnlyList<long> sampleShape)
    {
        var channels = (int)sampleShape[0];
        return mode switch
        {
            InputNormalization.Dataset => null,
            InputNormalization.None => new ChannelNormalization(new double[channels], Enumerable.Repeat(1.0, channels).ToArray()),
            _ when sampleShape.Count != 3 || channels is not (1 or 3) =>
                throw new DistillException($"--normalize imagenet needs images of 1 or 3 channels, not inputs of shape {string.Join("x", sampleShape)}."),
            _ when channels == 1 => new ChannelNormalization([ImageNetMean.Average()], [ImageNetStd.Average()]),
            _ => new ChannelNormalization([.. ImageNetMean], [.. ImageNetStd]),
        };
    }

    /// <summary>Mean and (population) standard deviation of each channel of <paramref name="features"/> [N, C, ...].</summary>
    public static ChannelNormalization Measure(Tensor features)
    {
        var channels = (int)features.shape[1];
        var mean = new double[channels];
        var std = new double[channels];
        for (var c = 0; c < channels; c++)
        {
            using var scope = NewDisposeScope();
            // float64 sums: a float32 mean over millions of pixels drifts in its last digits.
            var values = features.narrow(1, c, 1).to_type(ScalarType.Float64);
            mean[c] = values.mean().item<double>();
            var spread = values.std(unbiased: false).item<double>();
            // A constant channel carries no information; dividing by zero would turn it into NaN.
            std[c] = spread > 1e-8 ? spread : 1.0;
        }
        return new ChannelNormalization(mean, std);
    }

    /// <summary>
    /// The statistics of a data set: <see cref="Measure(Tensor)"/> on data in memory; for streamed data,
    /// float64 sums and sums of squares per channel over one pass of its batches.
    /// </summary>
    public static ChannelNormalization Measure(LabeledDataset data)
    {
        if (!data.IsStreamed) return Measure(data.Features);
        var channels = (int)data.SampleShape[0];
        var sums = new double[channels];
        var squares = new double[channels];
        long perChannel = 0;
        foreach (var (rows, inputs) in data.Batches(ImageMemory.RowsPerBatch(256, ImageMemory.RowBytes(data.SampleShape))))
        {
            using var scope = NewDisposeScope();
            rows.Dispose();
            var values = inputs.to_type(ScalarType.Float64).transpose(0, 1).reshape(channels, -1);
            inputs.Dispose();
            var sum = values.sum(1).data<double>().ToArray();
            var square = values.square().sum(1).data<double>().ToArray();
            for (var c = 0; c < channels; c++)
            {
                sums[c] += sum[c];
                squares[c] += square[c];
            }
            perChannel += values.shape[1];
        }
        var mean = sums.Select(s => s / perChannel).ToArray();
        var std = squares.Select((q, c) => Math.Sqrt(Math.Max(q / perChannel - mean[c] * mean[c], 0))).Select(s => s > 1e-8 ? s : 1.0).ToArray();
        return new ChannelNormalization(mean, std);
    }

    /// <summary>Standardises a data set: its tensor in place, or every batch its store reads from now on.</summary>
    public void Apply(LabeledDataset data)
    {
        if (data.Store is { } store) store.Standardise(this);
        else Apply(data.Features);
    }

    /// <summary>Standardises <paramref name="features"/> [N, C, ...] in place.</summary>
    public void Apply(Tensor features)
    {
        if (features.shape[1] != Mean.Length)
            throw new DistillException($"The normalisation has {Mean.Length} channels but the data has {features.shape[1]}.");
        if (Mean.Length == 1)
        {
            // Scalars, as the IDX loader always did, so single-channel runs keep their exact numbers.
            features.sub_(HeldScalar.Of(Mean[0])).div_(HeldScalar.Of(Std[0]));
            return;
        }
        var shape = new long[features.dim()];
        Array.Fill(shape, 1L);
        shape[1] = Mean.Length;
        using var mean = tensor(Mean.Select(v => (float)v).ToArray()).view(shape);
        using var std = tensor(Std.Select(v => (float)v).ToArray()).view(shape);
        features.sub_(mean).div_(std);
    }
}
