using Distill.Data;
using static TorchSharp.torch;

namespace Distill.Tests.Support;

/// <summary>
/// A small learnable image task made in memory: each class is a fixed random pattern, each sample
/// its class's pattern plus Gaussian noise, so a small model learns it in a few hundred steps.
/// </summary>
public static class SyntheticPatterns
{
    public static LabeledDataset Make(string name, long count, long[] shape, int classes, double noise, int seed)
    {
        var patterns = randn([classes, .. shape], generator: new Generator(1000));
        var generator = new Generator((ulong)seed);
        var labels = randint(0, classes, [count], generator: generator);
        var features = patterns.index_select(0, labels) + randn([count, .. shape], generator: generator) * noise;
        patterns.Dispose();
        return new LabeledDataset(name, features, labels, classes);
    }
}
