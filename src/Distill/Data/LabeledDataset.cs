using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Data;

/// <summary>
/// Inputs and integer class labels held as tensors: features [N, ...sample shape] float32,
/// labels [N] int64. Owns its tensors; subsets copy the selected rows.
/// </summary>
public sealed class LabeledDataset : IDisposable
{
    public LabeledDataset(string name, Tensor features, Tensor labels, int classCount)
    {
        if (features.shape[0] != labels.shape[0])
            throw new DataFormatException($"Data set '{name}' has {features.shape[0]} inputs but {labels.shape[0]} labels.");
        if (classCount < 2)
            throw new DataFormatException($"Data set '{name}' must have at least 2 classes, not {classCount}.");
        if (labels.numel() > 0)
        {
            var min = labels.min().item<long>();
            var max = labels.max().item<long>();
            if (min < 0 || max >= classCount)
                throw new DataFormatException(
                    $"Data set '{name}' has a label {(min < 0 ? min : max)} outside the {classCount} classes 0..{classCount - 1}.");
        }
        Name = name;
        Features = features;
        Labels = labels;
        ClassCount = classCount;
    }

    public string Name { get; }

    /// <summary>Inputs, [N, ...SampleShape], float32.</summary>
    public Tensor Features { get; }

    /// <summary>Class indices, [N], int64.</summary>
    public Tensor Labels { get; }

    public int ClassCount { get; }

    public long Count => Labels.shape[0];

    /// <summary>Shape of one input, without the batch dimension.</summary>
    public long[] SampleShape => Features.shape[1..];

    /// <summary>A new data set holding the rows at <paramref name="indices"/> (int64 tensor).</summary>
    public LabeledDataset Subset(Tensor indices, string? name = null) =>
        new(name ?? Name, Features.index_select(0, indices), Labels.index_select(0, indices), ClassCount);

    /// <summary>
    /// Carves a validation set of <paramref name="validationCount"/> rows out of this set, chosen by
    /// a seeded permutation, so model selection never touches the test set.
    /// </summary>
    public (LabeledDataset Train, LabeledDataset Validation) SplitValidation(int validationCount, int seed)
    {
        if (validationCount <= 0 || validationCount >= Count)
            throw new DistillException(
                $"The validation split must hold between 1 and {Count - 1} of the {Count} training rows, not {validationCount}.");
        var generator = new Generator((ulong)seed);
        using var order = randperm(Count, generator: generator);
        using var validationRows = order[..validationCount];
        using var trainRows = order[validationCount..];
        return (Subset(trainRows, Name + "/train"), Subset(validationRows, Name + "/validation"));
    }

    public void Dispose()
    {
        Features.Dispose();
        Labels.Dispose();
    }
}
