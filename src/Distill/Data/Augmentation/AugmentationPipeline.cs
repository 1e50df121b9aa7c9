using static TorchSharp.torch;

namespace Distill.Data.Augmentation;

/// <summary>
/// The training-time transforms of a run, applied to every batch in order, drawing from one seeded
/// generator that the trainer checkpoints, so a resumed run sees exactly the same augmented batches.
/// Validation and test data are never augmented.
/// </summary>
public sealed class AugmentationPipeline : IDisposable
{
    private readonly ImageRange _range;

    /// <param name="range">The images' black and white levels (see <see cref="ImageRange"/>); owned by the pipeline.</param>
    public AugmentationPipeline(IReadOnlyList<IImageTransform> transforms, IReadOnlyList<long> sampleShape, ImageRange range, long seed)
    {
        if (transforms.Count == 0) throw new DistillException("An augmentation pipeline needs at least one transform.");
        Check(transforms, sampleShape);
        Transforms = transforms;
        _range = range;
        Generator = new Generator((ulong)seed);
    }

    /// <summary>Refuses transforms that cannot apply to inputs of <paramref name="sampleShape"/>: checked before a run's first model trains, and again here.</summary>
    public static void Check(IReadOnlyList<IImageTransform> transforms, IReadOnlyList<long> sampleShape)
    {
        if (transforms.Count == 0) return;
        if (sampleShape.Count != 3)
            throw new DistillException($"Augmentation '{Augmentations.Format(transforms)}' transforms images, but the inputs have shape {string.Join("x", sampleShape)}, not channels x height x width.");
        foreach (var transform in transforms) transform.Check(sampleShape[1], sampleShape[2]);
    }

    public IReadOnlyList<IImageTransform> Transforms { get; }

    /// <summary>The generator every transform draws from, for checkpointing its state.</summary>
    public Generator Generator { get; }

    /// <summary>An augmented copy of <paramref name="images"/> [N, C, H, W].</summary>
    public Tensor Apply(Tensor images)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var current = images;
        foreach (var transform in Transforms) current = transform.Apply(current, _range, Generator);
        return current.MoveToOuterDisposeScope();
    }

    public override string ToString() => Augmentations.Format(Transforms);

    public void Dispose() => _range.Dispose();
}
